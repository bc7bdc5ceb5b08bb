package vn.edocaxis.signature;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates, keys and CRLs generated at test time with BouncyCastle. */
final class TestPki {

    static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime() & 0xFFFFFFFL);

    /** A certificate with its private key. */
    record Issued(X509Certificate certificate, KeyPair keys) {
        X500Name name() {
            return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        }
    }

    /** Key usage bits of a signer. */
    static final int SIGNING = KeyUsage.digitalSignature | KeyUsage.nonRepudiation;

    private TestPki() {
    }

    static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits, new SecureRandom());
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair ec(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static Issued root(String cn) {
        KeyPair keys = rsa(2048);
        return new Issued(build(new X500Name("CN=" + cn + ",O=edoc-axis test"), keys, null, NOW.minus(Duration.ofDays(3650)),
                NOW.plus(Duration.ofDays(3650)), true, KeyUsage.keyCertSign | KeyUsage.cRLSign), keys);
    }

    static Issued intermediate(String cn, Issued issuer, boolean ca) {
        KeyPair keys = rsa(2048);
        return new Issued(build(new X500Name("CN=" + cn + ",O=edoc-axis test"), keys, issuer, NOW.minus(Duration.ofDays(1000)),
                NOW.plus(Duration.ofDays(1000)), ca, ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : SIGNING), keys);
    }

    static Issued signer(String cn, KeyPair keys, Issued issuer) {
        return signer(cn, keys, issuer, NOW.minus(Duration.ofDays(100)), NOW.plus(Duration.ofDays(265)), SIGNING);
    }

    static Issued signer(String cn, KeyPair keys, Issued issuer, Instant notBefore, Instant notAfter, int keyUsage) {
        return new Issued(build(new X500Name("CN=" + cn + ",O=edoc-axis test"), keys, issuer, notBefore, notAfter, false, keyUsage), keys);
    }

    /** keyUsage 0 means no key usage extension. */
    static X509Certificate build(X500Name subject, KeyPair keys, Issued issuer, Instant notBefore, Instant notAfter,
                                 boolean ca, int keyUsage) {
        try {
            X500Name issuerName = issuer == null ? subject : issuer.name();
            KeyPair signing = issuer == null ? keys : issuer.keys();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(notBefore), Date.from(notAfter), subject, keys.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    utils.createAuthorityKeyIdentifier(issuer == null ? keys.getPublic() : issuer.certificate().getPublicKey()));
            if (ca) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            } else {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            }
            if (keyUsage != 0) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
            }
            return new JcaX509CertificateConverter().getCertificate(b.build(signer(signing)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ContentSigner signer(KeyPair keys) throws Exception {
        String alg = keys.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        return new JcaContentSignerBuilder(alg).build(keys.getPrivate());
    }

    /** A CRL by {@code issuer}, current at {@link #NOW}, revoking the given certificates. */
    static X509CRL crl(Issued issuer, X509Certificate... revoked) {
        return crl(issuer, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(7)), revoked);
    }

    static X509CRL crl(Issued issuer, Instant thisUpdate, Instant nextUpdate, X509Certificate... revoked) {
        try {
            X509v2CRLBuilder b = new X509v2CRLBuilder(issuer.name(), Date.from(thisUpdate));
            b.setNextUpdate(Date.from(nextUpdate));
            for (X509Certificate c : revoked) {
                b.addCRLEntry(c.getSerialNumber(), Date.from(NOW.minus(Duration.ofDays(2))), CRLReason.keyCompromise);
            }
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            b.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuer.certificate().getPublicKey()));
            b.addExtension(Extension.cRLNumber, false, new org.bouncycastle.asn1.x509.CRLNumber(BigInteger.valueOf(SERIAL.incrementAndGet())));
            return new JcaX509CRLConverter().getCRL(b.build(signer(issuer.keys())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                w.writeObject(o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static Path write(Path file, String text) {
        try {
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<X509Certificate> list(X509Certificate... certificates) {
        return List.of(certificates);
    }
}
