package vn.edocaxis.signature;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The XML-DSig algorithm identifiers this verifier supports, and their JCA names. */
final class XmlDsig {

    static final String NAMESPACE = "http://www.w3.org/2000/09/xmldsig#";
    static final String EXCLUSIVE_C14N_NAMESPACE = "http://www.w3.org/2001/10/xml-exc-c14n#";
    static final String ENVELOPED_SIGNATURE = NAMESPACE + "enveloped-signature";

    private XmlDsig() {
    }

    enum C14n {
        INCLUSIVE("http://www.w3.org/TR/2001/REC-xml-c14n-20010315", false, false),
        INCLUSIVE_WITH_COMMENTS("http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments", false, true),
        EXCLUSIVE("http://www.w3.org/2001/10/xml-exc-c14n#", true, false),
        EXCLUSIVE_WITH_COMMENTS("http://www.w3.org/2001/10/xml-exc-c14n#WithComments", true, true);

        final String uri;
        final boolean exclusive;
        final boolean withComments;

        C14n(String uri, boolean exclusive, boolean withComments) {
            this.uri = uri;
            this.exclusive = exclusive;
            this.withComments = withComments;
        }

        /**
         * The VXP SDK writes exclusive c14n as {@code http://www.w3.org/TR/xml-exc-c14n#} (the
         * recommendation's address, not its algorithm URI). Read as exclusive c14n; the digest
         * must still match, so accepting the alias cannot make a wrong signature verify.
         */
        static final String LEGACY_EXCLUSIVE_URI = "http://www.w3.org/TR/xml-exc-c14n#";

        static C14n of(String uri) {
            if (LEGACY_EXCLUSIVE_URI.equals(uri)) {
                return EXCLUSIVE;
            }
            for (C14n c : values()) {
                if (c.uri.equals(uri)) {
                    return c;
                }
            }
            return null;
        }
    }

    enum Digest {
        SHA1("http://www.w3.org/2000/09/xmldsig#sha1", "SHA-1"),
        SHA256("http://www.w3.org/2001/04/xmlenc#sha256", "SHA-256"),
        SHA512("http://www.w3.org/2001/04/xmlenc#sha512", "SHA-512");

        final String uri;
        final String jcaName;

        Digest(String uri, String jcaName) {
            this.uri = uri;
            this.jcaName = jcaName;
        }

        static Digest of(String uri) {
            for (Digest d : values()) {
                if (d.uri.equals(uri)) {
                    return d;
                }
            }
            return null;
        }

        MessageDigest newDigest() {
            try {
                return MessageDigest.getInstance(jcaName);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK lacks " + jcaName, e);
            }
        }
    }

    enum SignatureMethod {
        RSA_SHA1("http://www.w3.org/2000/09/xmldsig#rsa-sha1", "SHA1withRSA", "RSA"),
        RSA_SHA256("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "SHA256withRSA", "RSA"),
        RSA_SHA512("http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", "SHA512withRSA", "RSA"),
        ECDSA_SHA256("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", "SHA256withECDSA", "EC"),
        ECDSA_SHA384("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384", "SHA384withECDSA", "EC");

        final String uri;
        final String jcaName;
        final String keyAlgorithm;

        SignatureMethod(String uri, String jcaName, String keyAlgorithm) {
            this.uri = uri;
            this.jcaName = jcaName;
            this.keyAlgorithm = keyAlgorithm;
        }

        static SignatureMethod of(String uri) {
            for (SignatureMethod m : values()) {
                if (m.uri.equals(uri)) {
                    return m;
                }
            }
            return null;
        }

        boolean ecdsa() {
            return keyAlgorithm.equals("EC");
        }
    }

    /**
     * XML-DSig carries an ECDSA signature as the concatenation r || s of two equal-length
     * unsigned integers (RFC 4051); JCA wants the DER SEQUENCE of two INTEGERs.
     * Returns null if the value cannot be such a concatenation.
     */
    static byte[] ecdsaRawToDer(byte[] raw) {
        if (raw.length == 0 || raw.length % 2 != 0 || raw.length > 264) {
            return null;
        }
        int half = raw.length / 2;
        byte[] r = new BigInteger(1, java.util.Arrays.copyOfRange(raw, 0, half)).toByteArray();
        byte[] s = new BigInteger(1, java.util.Arrays.copyOfRange(raw, half, raw.length)).toByteArray();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        derInteger(body, r);
        derInteger(body, s);
        ByteArrayOutputStream der = new ByteArrayOutputStream();
        der.write(0x30);
        derLength(der, body.size());
        der.writeBytes(body.toByteArray());
        return der.toByteArray();
    }

    private static void derInteger(ByteArrayOutputStream out, byte[] value) {
        out.write(0x02);
        derLength(out, value.length);
        out.writeBytes(value);
    }

    private static void derLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length & 0xFF);
        }
    }
}
