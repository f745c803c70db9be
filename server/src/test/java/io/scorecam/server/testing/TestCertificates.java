package io.scorecam.server.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * TEST ONLY: throwaway TLS material made with openssl, for every module's TLS tests (server's test-jar: client-cli
 * and docker-it use it too). Each method returns false when openssl is not there, so callers skip what needs TLS.
 */
public final class TestCertificates {
    private TestCertificates() {
    }

    /** A self-signed certificate for localhost / 127.0.0.1 (one day) and its unencrypted key, as PEM files. */
    public static boolean make(Path cert, Path key) throws InterruptedException {
        return openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", key.toString(), "-out", cert.toString()) && Files.exists(cert);
    }

    /** A fresh RSA key that belongs to no certificate. */
    public static boolean makeKey(Path key) throws InterruptedException {
        return openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.toString())
                && Files.exists(key);
    }

    private static boolean openssl(String... args) throws InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
