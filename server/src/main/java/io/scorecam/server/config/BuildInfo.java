package io.scorecam.server.config;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** What was built: the Maven project version, written into build.properties by resource filtering. */
public final class BuildInfo implements CommandLine.IVersionProvider {
    private static final String RESOURCE = "/io/scorecam/server/build.properties";
    private static final String VERSION = load();

    /** The project version, e.g. 0.1.0-SNAPSHOT. */
    public static String version() {
        return VERSION;
    }

    @Override
    public String[] getVersion() {
        return new String[]{"scorecam-server " + VERSION};
    }

    private static String load() {
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath (a broken build)");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            if (v.isBlank() || v.contains("${")) {
                throw new IllegalStateException(RESOURCE + " was not filtered by Maven: version=" + v);
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
