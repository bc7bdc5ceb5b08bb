package vn.edocaxis;

import java.io.InputStream;
import java.io.Reader;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** The JDK's own HTTP client with a client certificate: a second, independent client implementation. */
public final class JdkClient {

    private JdkClient() {
    }

    public static HttpClient create(Path certificate, Path key, Path ca, HttpClient.Version version) {
        try {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            Certificate cert;
            Certificate caCert;
            try (InputStream in = Files.newInputStream(certificate); InputStream caIn = Files.newInputStream(ca)) {
                cert = x509.generateCertificate(in);
                caCert = x509.generateCertificate(caIn);
            }
            PrivateKey privateKey;
            try (Reader in = Files.newBufferedReader(key); PEMParser pem = new PEMParser(in)) {
                privateKey = new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) pem.readObject());
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", privateKey, new char[0], new Certificate[] {cert});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", caCert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(ssl).version(version).connectTimeout(Duration.ofSeconds(10)).build();
        } catch (Exception e) {
            throw new IllegalStateException("cannot build a JDK client for " + certificate, e);
        }
    }
}
