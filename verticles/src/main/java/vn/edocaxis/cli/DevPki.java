package vn.edocaxis.cli;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Generates a development PKI with BouncyCastle: a root CA, the router's server certificate
 * (localhost, 127.0.0.1, ::1), an operator certificate, one client certificate per demo system,
 * and an (empty) CRL. Keys are EC P-256, written as PKCS#8 PEM readable only by the owner.
 * Development only: production names its own files in {@code tls.*}.
 */
public final class DevPki {

    public static final String CA_CERT = "ca.crt";
    public static final String CA_KEY = "ca.key";
    public static final String CA_CRL = "ca.crl";
    public static final String SERVER_CERT = "server.crt";
    public static final String SERVER_KEY = "server.key";
    public static final String OPERATOR = "operator";
    public static final String SYSTEMS_DIR = "systems";
    public static final String SIGNERS_DIR = "signers";
    public static final String RECEIPT = "receipt";
    public static final String ROUTER_CLIENT = "router-client";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration LIFETIME = Duration.ofDays(825);

    private final Path dir;
    private final KeyPair caKeys;
    private final X509Certificate caCert;

    private DevPki(Path dir, KeyPair caKeys, X509Certificate caCert) {
        this.dir = dir;
        this.caKeys = caKeys;
        this.caCert = caCert;
    }

    /** Whether {@code dir} already holds a generated PKI. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(CA_CERT)) && Files.isRegularFile(dir.resolve(SERVER_CERT));
    }

    /**
     * Creates the CA, server, operator and the given systems' certificates in {@code dir}.
     *
     * @return the generator, which can issue more client certificates from the same CA
     */
    public static DevPki generate(Path dir, List<String> systemIds) {
        try {
            Files.createDirectories(dir.resolve(SYSTEMS_DIR));
            KeyPair caKeys = newKeyPair();
            X500Name caName = new X500Name("CN=edoc-axis development root CA,O=edoc-axis development");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(3650))), caName, caKeys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            ca.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate caCert = sign(ca, caKeys.getPrivate());
            DevPki pki = new DevPki(dir, caKeys, caCert);
            pki.write(CA_CERT, pem(caCert));
            pki.writeKey(CA_KEY, caKeys.getPrivate());
            pki.writeCrl();

            pki.issueEndEntity("server", "CN=localhost,O=edoc-axis development", newKeyPair(),
                    KeyUsage.digitalSignature | KeyUsage.keyAgreement, KeyPurposeId.id_kp_serverAuth, new GeneralNames(new GeneralName[] {
                            new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                            new GeneralName(GeneralName.iPAddress, "::1")}));
            pki.issueClient(OPERATOR, "CN=operator,OU=operators,O=edoc-axis development");
            pki.issueClient(ROUTER_CLIENT, "CN=edoc-axis router,OU=push,O=edoc-axis development");
            pki.issueEndEntity(RECEIPT, "CN=edoc-axis receipts,O=edoc-axis development", ed25519(), KeyUsage.digitalSignature, null, null);
            for (String system : systemIds) {
                pki.issueClient(SYSTEMS_DIR + "/" + system, "CN=" + system + ",OU=systems,O=edoc-axis development");
                pki.issueSigner(SIGNERS_DIR + "/" + system, "CN=Văn thư " + system + ",OU=signers,O=edoc-axis development");
            }
            return pki;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate the development PKI", e);
        }
    }

    public Path dir() {
        return dir;
    }

    public X509Certificate caCertificate() {
        return caCert;
    }

    /** Issues a client certificate and key as {@code <name>.crt} and {@code <name>.key} under the PKI directory. */
    public X509Certificate issueClient(String name, String subject) {
        try {
            return issueEndEntity(name, subject, newKeyPair(), KeyUsage.digitalSignature | KeyUsage.keyAgreement,
                    KeyPurposeId.id_kp_clientAuth, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue " + subject, e);
        }
    }

    /** Issues a document-signing certificate (RSA-2048, digitalSignature and nonRepudiation) as {@code <name>.crt/.key}. */
    public X509Certificate issueSigner(String name, String subject) {
        try {
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048, RANDOM);
            return issueEndEntity(name, subject, rsa.generateKeyPair(), KeyUsage.digitalSignature | KeyUsage.nonRepudiation, null, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue " + subject, e);
        }
    }

    private X509Certificate issueEndEntity(String name, String subject, KeyPair keys, int keyUsage, KeyPurposeId purpose,
                                           GeneralNames alternativeNames) {
        try {
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCert, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(LIFETIME)), new X500Name(subject), keys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
            if (purpose != null) {
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            }
            builder.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            if (alternativeNames != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames);
            }
            X509Certificate cert = sign(builder, caKeys.getPrivate());
            write(name + ".crt", pem(cert));
            writeKey(name + ".key", keys.getPrivate());
            return cert;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue " + subject, e);
        }
    }

    private static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks Ed25519", e);
        }
    }

    private void writeCrl() throws IOException, OperatorCreationException, GeneralSecurityException {
        Instant now = Instant.now();
        X509v2CRLBuilder crl = new X509v2CRLBuilder(new X509CertificateHolder(caCert.getEncoded()).getSubject(),
                Date.from(now.minus(Duration.ofMinutes(5))));
        crl.setNextUpdate(Date.from(now.plus(Duration.ofDays(365))));
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate());
        write(CA_CRL, pem(new JcaX509CRLConverter().getCRL(crl.build(signer))));
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(96, RANDOM).add(BigInteger.ONE);
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    private void writeKey(String name, PrivateKey key) throws IOException {
        String pem = pem(new JcaPKCS8Generator(key, null).generate());
        write(name, pem);
        try {
            Files.setPosixFilePermissions(dir.resolve(name), PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: leave the default permissions
        }
    }

    private void write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.US_ASCII);
    }

    /** Where everything is, for the operator who just generated it. */
    public static String describe(Path dir, List<String> systemIds) {
        Path abs = dir.toAbsolutePath().normalize();
        StringBuilder out = new StringBuilder("development PKI in ").append(abs).append('\n')
                .append("  root CA            ").append(abs.resolve(CA_CERT)).append(" (key ").append(CA_KEY).append(", CRL ")
                .append(CA_CRL).append(")\n")
                .append("  router server      ").append(abs.resolve(SERVER_CERT)).append(" / ").append(SERVER_KEY).append('\n')
                .append("  operator (admin)   ").append(abs.resolve(OPERATOR + ".crt")).append(" / ").append(OPERATOR).append(".key\n")
                .append("  router push client ").append(abs.resolve(ROUTER_CLIENT + ".crt")).append(" / ").append(ROUTER_CLIENT).append(".key\n")
                .append("  receipt signing    ").append(abs.resolve(RECEIPT + ".crt")).append(" / ").append(RECEIPT).append(".key\n")
                .append("  document signers   ").append(abs.resolve(SIGNERS_DIR)).append("/<system>.crt / .key\n");
        for (String system : systemIds) {
            out.append("  system ").append(String.format("%-12s", system))
                    .append(abs.resolve(SYSTEMS_DIR).resolve(system + ".crt")).append(" / ").append(system).append(".key\n");
        }
        return out.toString().stripTrailing();
    }
}
