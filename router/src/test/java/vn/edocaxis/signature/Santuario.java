package vn.edocaxis.signature;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.xml.security.Init;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.apache.xml.security.utils.XMLUtils;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** Apache Santuario, the reference implementation the streaming verifier is checked against. */
final class Santuario {

    static {
        Init.init();
    }

    private Santuario() {
    }

    static Document parse(byte[] xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            DocumentBuilder b = f.newDocumentBuilder();
            return b.parse(new ByteArrayInputStream(xml));
        } catch (Exception e) {
            throw new IllegalStateException("Santuario's parser refuses the document: " + e.getMessage(), e);
        }
    }

    static Element child(Node parent, String localName) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    static Element header(Document doc) {
        return child(child(doc.getDocumentElement(), "edXMLEnvelope"), "edXMLHeader");
    }

    /** The Signature at edXML/edXMLEnvelope/edXMLHeader/Signature. */
    static Element signature(Document doc) {
        return child(header(doc), "Signature");
    }

    /** c14n of the document minus the Signature element: what the enveloped Reference digests. */
    static byte[] canonicalWithoutSignature(byte[] xml, String c14nUri, String prefixList) {
        Document doc = parse(xml);
        Element signature = signature(doc);
        signature.getParentNode().removeChild(signature);
        return canonical(doc, c14nUri, prefixList);
    }

    static byte[] canonical(Node node, String c14nUri, String prefixList) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (prefixList == null) {
                Canonicalizer.getInstance(c14nUri).canonicalizeSubtree(node, out);
            } else {
                Canonicalizer.getInstance(c14nUri).canonicalizeSubtree(node, prefixList, out);
            }
            return out.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** SignedInfo of the signature at the edXML path, canonicalised in its document. */
    static byte[] canonicalSignedInfo(byte[] xml, String c14nUri, String prefixList) {
        Document doc = parse(xml);
        return canonical(child(signature(doc), "SignedInfo"), c14nUri, prefixList);
    }

    /**
     * Signs with Santuario's own XMLSignature: an enveloped ds:Signature appended to edXMLHeader,
     * KeyInfo carrying every certificate given (signer first). Serialised as the DOM stands.
     */
    static byte[] sign(byte[] unsigned, String signatureMethod, String signedInfoC14n, String referenceC14n,
                       String digestMethod, PrivateKey key, X509Certificate... certificates) {
        try {
            Document doc = parse(unsigned);
            Element header = header(doc);
            XMLSignature sig = new XMLSignature(doc, "", signatureMethod, signedInfoC14n);
            header.appendChild(sig.getElement());
            header.appendChild(doc.createTextNode("\n"));
            Transforms transforms = new Transforms(doc);
            transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
            if (referenceC14n != null) {
                transforms.addTransform(referenceC14n);
            }
            sig.addDocument("", transforms, digestMethod);
            for (X509Certificate c : certificates) {
                sig.addKeyInfo(c);
            }
            sig.sign(key);
            return serialize(doc);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] serialize(Document doc) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".getBytes(StandardCharsets.UTF_8));
        XMLUtils.outputDOM(doc, out);
        return out.toByteArray();
    }

    /** Santuario's own verdict on the (qualified) signature at the edXML path, with the given key. */
    static boolean verifies(byte[] signed, X509Certificate certificate) {
        try {
            Document doc = parse(signed);
            XMLSignature sig = new XMLSignature(signature(doc), "", false);
            return sig.checkSignatureValue(certificate);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
