package vn.edocaxis.signature;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.util.Base64;
import org.apache.xml.security.c14n.Canonicalizer;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;

/**
 * Signs a package whose Signature element is written out as text (any prefix, namespace or
 * none, as legacy clients write it): the DigestValue comes from Santuario's canonical form of the
 * document minus the Signature, the SignatureValue from JCA over Santuario's canonical SignedInfo.
 */
final class ManualSigner {

    static final String DSIG = "http://www.w3.org/2000/09/xmldsig#";
    static final String C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
    static final String C14N_COMMENTS = C14N + "#WithComments";
    static final String EXC = "http://www.w3.org/2001/10/xml-exc-c14n#";
    static final String EXC_COMMENTS = EXC + "WithComments";
    /** How the VXP SDK spells exclusive c14n. */
    static final String EXC_SDK_SPELLING = "http://www.w3.org/TR/xml-exc-c14n#";
    static final String ENVELOPED = DSIG + "enveloped-signature";
    static final String SHA1 = DSIG + "sha1";
    static final String SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256";
    static final String SHA512 = "http://www.w3.org/2001/04/xmlenc#sha512";
    static final String RSA_SHA1 = DSIG + "rsa-sha1";
    static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    static final String RSA_SHA512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512";
    static final String ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
    static final String ECDSA_SHA384 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384";

    /** How the Signature element is written. */
    enum Form {
        /** {@code <Signature>}: no XML-DSig namespace, inherits whatever default namespace is in scope */
        UNQUALIFIED,
        /** {@code <ds:Signature xmlns:ds="…xmldsig#">} */
        PREFIXED,
        /** {@code <Signature xmlns="…xmldsig#">} */
        DEFAULT_NAMESPACE
    }

    /**
     * @param referenceC14n     the canonicalisation Transform after enveloped-signature, or null for none
     * @param referencePrefixes PrefixList of exclusive c14n's InclusiveNamespaces in the Transform, or null
     * @param signedInfoPrefixes PrefixList for SignedInfo's exclusive CanonicalizationMethod, or null
     * @param signedInfoExtra   markup put at the start of SignedInfo (comments, whitespace), or ""
     */
    record Spec(Form form, String signedInfoC14n, String signedInfoPrefixes, String signatureMethod,
                String referenceC14n, String referencePrefixes, String digestMethod, String signedInfoExtra) {

        static Spec of(Form form, String signedInfoC14n, String signatureMethod, String referenceC14n, String digestMethod) {
            return new Spec(form, signedInfoC14n, null, signatureMethod, referenceC14n, null, digestMethod, "");
        }

        Spec withReferencePrefixes(String prefixes) {
            return new Spec(form, signedInfoC14n, signedInfoPrefixes, signatureMethod, referenceC14n, prefixes, digestMethod, signedInfoExtra);
        }

        Spec withSignedInfoPrefixes(String prefixes) {
            return new Spec(form, signedInfoC14n, prefixes, signatureMethod, referenceC14n, referencePrefixes, digestMethod, signedInfoExtra);
        }

        Spec withSignedInfoExtra(String extra) {
            return new Spec(form, signedInfoC14n, signedInfoPrefixes, signatureMethod, referenceC14n, referencePrefixes, digestMethod, extra);
        }

        /** What Santuario must apply to reproduce the Reference's octets: URI="" has dropped the comments. */
        String referenceOracleC14n() {
            if (referenceC14n == null || referenceC14n.equals(C14N_COMMENTS)) {
                return C14N;
            }
            return referenceC14n.equals(EXC_COMMENTS) || referenceC14n.equals(EXC_SDK_SPELLING) ? EXC : referenceC14n;
        }
    }

    private ManualSigner() {
    }

    /** The Signature element with @@DIGEST@@, @@SIGNATURE@@ and @@CERTIFICATES@@ placeholders. */
    static String template(Spec s) {
        String p = s.form == Form.PREFIXED ? "ds:" : "";
        String decl = switch (s.form) {
            case UNQUALIFIED -> "";
            case PREFIXED -> " xmlns:ds=\"" + DSIG + "\"";
            case DEFAULT_NAMESPACE -> " xmlns=\"" + DSIG + "\"";
        };
        StringBuilder b = new StringBuilder();
        b.append('<').append(p).append("Signature").append(decl).append(">\n");
        b.append("  <").append(p).append("SignedInfo>").append(s.signedInfoExtra).append('\n');
        b.append("    <").append(p).append("CanonicalizationMethod Algorithm=\"").append(s.signedInfoC14n).append('"');
        if (s.signedInfoPrefixes != null) {
            b.append("><ec:InclusiveNamespaces xmlns:ec=\"").append(EXC).append("\" PrefixList=\"").append(s.signedInfoPrefixes)
                    .append("\"/></").append(p).append("CanonicalizationMethod>\n");
        } else {
            b.append("/>\n");
        }
        b.append("    <").append(p).append("SignatureMethod Algorithm=\"").append(s.signatureMethod).append("\"/>\n");
        b.append("    <").append(p).append("Reference URI=\"\">\n");
        b.append("      <").append(p).append("Transforms>\n");
        b.append("        <").append(p).append("Transform Algorithm=\"").append(ENVELOPED).append("\"/>\n");
        if (s.referenceC14n != null) {
            b.append("        <").append(p).append("Transform Algorithm=\"").append(s.referenceC14n).append('"');
            if (s.referencePrefixes != null) {
                b.append("><ec:InclusiveNamespaces xmlns:ec=\"").append(EXC).append("\" PrefixList=\"").append(s.referencePrefixes)
                        .append("\"/></").append(p).append("Transform>\n");
            } else {
                b.append("/>\n");
            }
        }
        b.append("      </").append(p).append("Transforms>\n");
        b.append("      <").append(p).append("DigestMethod Algorithm=\"").append(s.digestMethod).append("\"/>\n");
        b.append("      <").append(p).append("DigestValue>@@DIGEST@@</").append(p).append("DigestValue>\n");
        b.append("    </").append(p).append("Reference>\n");
        b.append("  </").append(p).append("SignedInfo>\n");
        b.append("  <").append(p).append("SignatureValue>@@SIGNATURE@@</").append(p).append("SignatureValue>\n");
        b.append("  <").append(p).append("KeyInfo><").append(p).append("X509Data>@@CERTIFICATES@@</").append(p).append("X509Data></")
                .append(p).append("KeyInfo>\n");
        b.append("</").append(p).append("Signature>");
        return b.toString();
    }

    /** Fills a document holding {@link #template} output: certificates, then digest, then signature. */
    static byte[] sign(String document, Spec s, PrivateKey key, X509Certificate... certificates) {
        try {
            String p = s.form == Form.PREFIXED ? "ds:" : "";
            StringBuilder certs = new StringBuilder();
            for (X509Certificate c : certificates) {
                certs.append('<').append(p).append("X509Certificate>").append(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(c.getEncoded())).append("</").append(p).append("X509Certificate>");
            }
            String doc = document.replace("@@CERTIFICATES@@", certs);
            byte[] reference = Santuario.canonicalWithoutSignature(utf8(doc), s.referenceOracleC14n(), s.referencePrefixes);
            String jcaDigest = switch (s.digestMethod) {
                case SHA1 -> "SHA-1";
                case SHA256 -> "SHA-256";
                case SHA512 -> "SHA-512";
                default -> "SHA-384";
            };
            doc = doc.replace("@@DIGEST@@", Base64.getEncoder().encodeToString(MessageDigest.getInstance(jcaDigest).digest(reference)));
            byte[] signedInfo = Santuario.canonicalSignedInfo(utf8(doc), s.signedInfoC14n, s.signedInfoPrefixes);
            return utf8(doc.replace("@@SIGNATURE@@", Base64.getEncoder().encodeToString(signatureValue(s.signatureMethod, key, signedInfo))));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] signatureValue(String method, PrivateKey key, byte[] data) throws Exception {
        String jca = switch (method) {
            case RSA_SHA1 -> "SHA1withRSA";
            case RSA_SHA256 -> "SHA256withRSA";
            case RSA_SHA512 -> "SHA512withRSA";
            case ECDSA_SHA256 -> "SHA256withECDSA";
            case ECDSA_SHA384 -> "SHA384withECDSA";
            default -> throw new IllegalArgumentException(method);
        };
        Signature signer = Signature.getInstance(jca);
        signer.initSign(key);
        signer.update(data);
        byte[] value = signer.sign();
        if (key instanceof ECPrivateKey ec) {
            int size = (ec.getParams().getOrder().bitLength() + 7) / 8;
            ASN1Sequence seq = ASN1Sequence.getInstance(value);
            byte[] raw = new byte[2 * size];
            fixed(ASN1Integer.getInstance(seq.getObjectAt(0)).getValue(), raw, 0, size);
            fixed(ASN1Integer.getInstance(seq.getObjectAt(1)).getValue(), raw, size, size);
            return raw;
        }
        return value;
    }

    private static void fixed(BigInteger v, byte[] out, int offset, int size) {
        byte[] b = v.toByteArray();
        int start = b.length > size ? b.length - size : 0;
        System.arraycopy(b, start, out, offset + size - (b.length - start), b.length - start);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Canonicalizer constant for the name used in test reports. */
    static String shortName(String uri) {
        return switch (uri) {
            case Canonicalizer.ALGO_ID_C14N_OMIT_COMMENTS -> "c14n";
            case Canonicalizer.ALGO_ID_C14N_WITH_COMMENTS -> "c14n#WithComments";
            case Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS -> "exc-c14n";
            case Canonicalizer.ALGO_ID_C14N_EXCL_WITH_COMMENTS -> "exc-c14n#WithComments";
            default -> uri.substring(uri.lastIndexOf('#') + 1);
        };
    }
}
