package io.scorecam.dockerit;

import org.testcontainers.images.ImagePullPolicy;
import org.testcontainers.utility.DockerImageName;

/** Pull policy of this module (testcontainers.properties): never pull, so a missing image fails fast. */
public final class NeverPull implements ImagePullPolicy {
    @Override
    public boolean shouldPull(DockerImageName imageName) {
        return false;
    }
}
