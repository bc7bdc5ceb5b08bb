package vn.edocaxis.support;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.apache.xml.security.Init;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Signs edXML packages with Apache Santuario the way DOMAIN.md section 4 describes: an enveloped
 * XML-DSig in {@code edXMLHeader}, one Reference {@code URI=""} with the enveloped-signature and
 * exclusive c14n transforms, KeyInfo carrying the signer certificate.
 */
public final class PackageSigner {

    public static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    public static final String SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256";

    private final PrivateKey key;
    private final X509Certificate certificate;

    static {
        Init.init();
    }

    public PackageSigner(PrivateKey key, X509Certificate certificate) {
        this.key = key;
        this.certificate = certificate;
    }

    /** A signer from PEM files (PKCS#8 key, X.509 certificate), e.g. the development PKI's signers/. */
    public static PackageSigner fromPem(Path certificateFile, Path keyFile) {
        try (Reader in = Files.newBufferedReader(keyFile); PEMParser pem = new PEMParser(in)) {
            PrivateKey key = new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) pem.readObject());
            X509Certificate cert;
            try (var certIn = Files.newInputStream(certificateFile)) {
                cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(certIn);
            }
            return new PackageSigner(key, cert);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read signer " + certificateFile, e);
        }
    }

    /** The package with an RSA-SHA256 / SHA-256 enveloped signature. */
    public byte[] sign(byte[] unsigned) {
        return sign(unsigned, RSA_SHA256, SHA256);
    }

    public byte[] sign(byte[] unsigned, String signatureMethod, String digestMethod) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(unsigned));
            Element header = (Element) doc.getElementsByTagNameNS(TestPackages.NS, "edXMLHeader").item(0);
            XMLSignature signature = new XMLSignature(doc, "", signatureMethod, Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
            header.appendChild(signature.getElement());
            Transforms transforms = new Transforms(doc);
            transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
            transforms.addTransform(Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
            signature.addDocument("", transforms, digestMethod);
            signature.addKeyInfo(certificate);
            signature.sign(key);
            ByteArrayOutputStream out = new ByteArrayOutputStream(unsigned.length + 4096);
            var transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            transformer.transform(new DOMSource(doc), new StreamResult(out));
            return out.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign the package", e);
        }
    }
}
