package io.scorecam.server.stream;

import io.scorecam.server.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemKeyCertOptions;

import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;

/**
 * Refuses a --tls-key that is not the private key of --tls-cert before the server listens: otherwise it
 * starts, says "listening (TLS)" and every handshake fails. Loads the files the way the listener will
 * (Vert.x's PEM reader: PKCS#8, PKCS#1, SEC1), signs a random challenge with the key and verifies it with
 * the certificate's public key.
 */
final class TlsKeyCheck {
    private TlsKeyCheck() {
    }

    /** @throws ConfigException naming both files when they do not belong together or cannot be read */
    static void verify(Vertx vertx, PemKeyCertOptions pem) {
        String files = "--tls-key '" + pem.getKeyPath() + "' / --tls-cert '" + pem.getCertPath() + "'";
        X509Certificate cert;
        PrivateKey key;
        try {
            X509KeyManager km = null;
            for (KeyManager m : pem.getKeyManagerFactory(vertx).getKeyManagers()) {
                if (m instanceof X509KeyManager x) {
                    km = x;
                }
            }
            String alias = km == null ? null : firstAlias(km);
            if (alias == null) {
                throw new ConfigException(files + ": no key and certificate found in them");
            }
            cert = km.getCertificateChain(alias)[0];
            key = km.getPrivateKey(alias);
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            throw new ConfigException(files + " cannot be read: " + e.getMessage());
        }
        if (!matches(key, cert)) {
            throw new ConfigException("--tls-key '" + pem.getKeyPath() + "' is not the private key of --tls-cert '"
                    + pem.getCertPath() + "' (" + cert.getSubjectX500Principal().getName()
                    + "): every TLS handshake would fail");
        }
    }

    private static String firstAlias(X509KeyManager km) {
        for (String type : new String[]{"RSA", "EC", "EdDSA", "Ed25519", "DSA", "RSASSA-PSS"}) {
            String[] aliases = km.getServerAliases(type, null);
            if (aliases != null && aliases.length > 0) {
                return aliases[0];
            }
        }
        return null;
    }

    private static boolean matches(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> key.getAlgorithm(); // EdDSA, Ed25519, Ed448 sign as themselves
        };
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            return false; // e.g. an EC key with an RSA certificate
        }
    }
}
