package vn.edocaxis.config;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.LoggerFactory;
import vn.edocaxis.cli.DevPki;
import vn.edocaxis.routing.Fingerprints;

/**
 * The TLS files the API server uses: either those named in {@code tls.*}, or the development PKI
 * (generated on first start when allowed).
 */
public record TlsMaterial(Path serverCertificate, Path serverKey, Path trustedCas, List<Path> crls,
                          Set<String> operatorFingerprints, boolean development) {

    public static TlsMaterial resolve(RouterConfig config, List<String> demoSystems) {
        RouterConfig.Tls tls = config.tls();
        if (!tls.usesDevelopmentPki()) {
            return new TlsMaterial(tls.serverCertificate(), tls.serverKey(), tls.trustedCas(), tls.crls(),
                    fingerprints(tls.operatorCertificates()), false);
        }
        Path dir = config.pki().dir();
        if (!DevPki.exists(dir)) {
            if (!config.pki().generate()) {
                throw new ConfigError("no development PKI in " + dir + " and pki.generate is false");
            }
            DevPki.generate(dir, demoSystems);
            LoggerFactory.getLogger(TlsMaterial.class).info(DevPki.describe(dir, demoSystems));
        }
        List<Path> operators = tls.operatorCertificates().isEmpty()
                ? List.of(dir.resolve(DevPki.OPERATOR + ".crt")) : tls.operatorCertificates();
        List<Path> crls = tls.crls().isEmpty() ? List.of(dir.resolve(DevPki.CA_CRL)) : tls.crls();
        return new TlsMaterial(dir.resolve(DevPki.SERVER_CERT), dir.resolve(DevPki.SERVER_KEY), dir.resolve(DevPki.CA_CERT),
                crls, fingerprints(operators), true);
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
}
