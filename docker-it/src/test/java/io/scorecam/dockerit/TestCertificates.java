package io.scorecam.dockerit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A throwaway self-signed certificate for localhost / 127.0.0.1, made with openssl. */
final class TestCertificates {
    private TestCertificates() {
    }

    /** @return false when openssl is not there (callers skip what needs TLS) */
    static boolean make(Path cert, Path key) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && Files.exists(cert);
        } catch (IOException e) {
            return false;
        }
    }
}
