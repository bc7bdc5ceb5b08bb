package vn.edocaxis.config;

import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.slf4j.LoggerFactory;
import vn.edocaxis.cli.DevPki;
import vn.edocaxis.routing.Fingerprints;

/**
 * The keys and certificates the router works with: its TLS server identity and the CAs clients
 * chain to, the operator certificates, the anchors and CRLs for package signers, and its receipt
 * signing key. Either those named in the configuration, or the development PKI (generated on
 * first start when allowed).
 */
public record KeyMaterial(Path serverCertificate, Path serverKey, Path trustedCas, List<Path> crls,
                          Set<String> operatorFingerprints, Path signerAnchors, List<Path> signerCrls,
                          PrivateKey receiptKey, X509Certificate receiptCertificate, Path pushCertificate, Path pushKey,
                          Path pushTrustedCas, boolean development) {

    public static KeyMaterial resolve(RouterConfig config, List<String> demoSystems) {
        RouterConfig.Tls tls = config.tls();
        RouterConfig.Signatures signatures = config.signatures();
        RouterConfig.Receipts receipts = config.receipts();
        if (!tls.usesDevelopmentPki()) {
            Path receiptKey = receipts.signingKey() != null ? receipts.signingKey() : tls.serverKey();
            Path receiptCert = receipts.certificate() != null ? receipts.certificate() : tls.serverCertificate();
            return new KeyMaterial(tls.serverCertificate(), tls.serverKey(), tls.trustedCas(), tls.crls(),
                    fingerprints(tls.operatorCertificates()),
                    signatures.trustAnchors() != null ? signatures.trustAnchors() : tls.trustedCas(), signatures.crls(),
                    privateKey(receiptKey), certificate(receiptCert), config.push().clientCertificate(), config.push().clientKey(),
                    config.push().trustedCas(), false);
        }
        Path dir = config.pki().dir();
        if (!DevPki.exists(dir)) {
            if (!config.pki().generate()) {
                throw new ConfigError("no development PKI in " + dir + " and pki.generate is false");
            }
            DevPki.generate(dir, demoSystems);
            LoggerFactory.getLogger(KeyMaterial.class).info(DevPki.describe(dir, demoSystems));
        }
        List<Path> operators = tls.operatorCertificates().isEmpty()
                ? List.of(dir.resolve(DevPki.OPERATOR + ".crt")) : tls.operatorCertificates();
        List<Path> crls = tls.crls().isEmpty() ? List.of(dir.resolve(DevPki.CA_CRL)) : tls.crls();
        Path receiptKey = receipts.signingKey() != null ? receipts.signingKey() : dir.resolve(DevPki.RECEIPT + ".key");
        Path receiptCert = receipts.certificate() != null ? receipts.certificate() : dir.resolve(DevPki.RECEIPT + ".crt");
        return new KeyMaterial(dir.resolve(DevPki.SERVER_CERT), dir.resolve(DevPki.SERVER_KEY), dir.resolve(DevPki.CA_CERT),
                crls, fingerprints(operators),
                signatures.trustAnchors() != null ? signatures.trustAnchors() : dir.resolve(DevPki.CA_CERT),
                signatures.crls().isEmpty() ? List.of(dir.resolve(DevPki.CA_CRL)) : signatures.crls(),
                privateKey(receiptKey), certificate(receiptCert),
                config.push().clientCertificate() != null ? config.push().clientCertificate() : dir.resolve(DevPki.ROUTER_CLIENT + ".crt"),
                config.push().clientKey() != null ? config.push().clientKey() : dir.resolve(DevPki.ROUTER_CLIENT + ".key"),
                config.push().trustedCas() != null ? config.push().trustedCas() : dir.resolve(DevPki.CA_CERT), true);
    }

    private static Set<String> fingerprints(List<Path> files) {
        Set<String> out = new HashSet<>();
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    out.add(Fingerprints.sha256((X509Certificate) certificate));
                }
            } catch (Exception e) {
                throw new ConfigError("cannot read operator certificate " + file + ": " + e.getMessage());
            }
        }
        return Set.copyOf(out);
    }

    static X509Certificate certificate(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (Exception e) {
            throw new ConfigError("cannot read certificate " + file + ": " + e.getMessage());
        }
    }

    static PrivateKey privateKey(Path file) {
        try (Reader in = Files.newBufferedReader(file); PEMParser pem = new PEMParser(in)) {
            Object object = pem.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            throw new ConfigError("no unencrypted private key in " + file);
        } catch (ConfigError e) {
            throw e;
        } catch (Exception e) {
            throw new ConfigError("cannot read private key " + file + ": " + e.getMessage());
        }
    }
}
