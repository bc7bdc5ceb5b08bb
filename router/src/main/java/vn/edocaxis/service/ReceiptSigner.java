package vn.edocaxis.service;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import vn.edocaxis.routing.Fingerprints;
import vn.edocaxis.store.StoredDocument;

/**
 * Signs submission receipts with the router's own key as a JWS (RFC 7515, compact form). The
 * header names the algorithm and carries the signing certificate ({@code x5c}) and its SHA-256
 * fingerprint ({@code kid}); the payload is the receipt as JSON with a fixed field order. With an
 * Ed25519 key (the development default) signatures are deterministic, so a replayed submission
 * gets the very same receipt back. docs/API.md shows how a sender verifies one offline.
 */
public final class ReceiptSigner {

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final PrivateKey key;
    private final String jcaAlgorithm;
    private final String header;
    private final int ecFieldBytes;
    // The JDK's Ed25519 (Java 17) costs about a millisecond a signature; BouncyCastle's a fraction.
    private final Ed25519PrivateKeyParameters ed25519;

    public ReceiptSigner(PrivateKey key, X509Certificate certificate) {
        this.key = key;
        String alg;
        String keyAlgorithm = key.getAlgorithm().toUpperCase(Locale.ROOT);
        Ed25519PrivateKeyParameters edKey = null;
        if (keyAlgorithm.equals("ED25519") || keyAlgorithm.equals("EDDSA")) {
            alg = "EdDSA";
            jcaAlgorithm = "Ed25519";
            ecFieldBytes = 0;
            try {
                edKey = (Ed25519PrivateKeyParameters) PrivateKeyFactory.createKey(key.getEncoded());
            } catch (java.io.IOException | ClassCastException e) {
                throw new IllegalArgumentException("cannot read the Ed25519 receipt key", e);
            }
        } else if (key instanceof ECKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            ecFieldBytes = (bits + 7) / 8;
            alg = bits <= 256 ? "ES256" : bits <= 384 ? "ES384" : "ES512";
            jcaAlgorithm = bits <= 256 ? "SHA256withECDSA" : bits <= 384 ? "SHA384withECDSA" : "SHA512withECDSA";
        } else if (key instanceof RSAKey) {
            alg = "RS256";
            jcaAlgorithm = "SHA256withRSA";
            ecFieldBytes = 0;
        } else {
            throw new IllegalArgumentException("receipt signing key of type " + key.getAlgorithm() + " is not supported");
        }
        this.ed25519 = edKey;
        try {
            JsonObject h = new JsonObject().put("alg", alg).put("typ", "edoc-receipt+jws")
                    .put("kid", Fingerprints.sha256(certificate))
                    .put("x5c", new JsonArray().add(Base64.getEncoder().encodeToString(certificate.getEncoded())));
            this.header = B64URL.encodeToString(h.encode().getBytes(StandardCharsets.UTF_8));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot encode the receipt certificate", e);
        }
    }

    /** The signed statement of what was committed. */
    public String sign(SubmitReceipt receipt) {
        String payload = B64URL.encodeToString(payload(receipt).encode().getBytes(StandardCharsets.UTF_8));
        String signingInput = header + "." + payload;
        if (ed25519 != null) {
            byte[] input = signingInput.getBytes(StandardCharsets.US_ASCII);
            Ed25519Signer signer = new Ed25519Signer();
            signer.init(true, ed25519);
            signer.update(input, 0, input.length);
            return signingInput + "." + B64URL.encodeToString(signer.generateSignature());
        }
        try {
            Signature signature = Signature.getInstance(jcaAlgorithm);
            signature.initSign(key);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            byte[] value = signature.sign();
            if (ecFieldBytes > 0) {
                value = derToConcatenated(value, ecFieldBytes);
            }
            return signingInput + "." + B64URL.encodeToString(value);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a receipt", e);
        }
    }

    /** The receipt's payload: what a sender can later show the router committed. */
    static JsonObject payload(SubmitReceipt r) {
        JsonArray deliveries = new JsonArray();
        for (StoredDocument.Delivery d : r.deliveries()) {
            deliveries.add(new JsonObject().put("deliveryId", d.id()).put("unit", d.unitCode()));
        }
        return new JsonObject()
                .put("documentId", r.documentId().toString())
                .put("kind", r.kind().name().toLowerCase(Locale.ROOT))
                .put("from", r.fromUnit())
                .put("sender", r.senderSystemId())
                .put("edxmlDocumentId", r.edxmlDocumentId())
                .put("sha256", HexFormat.of().formatHex(r.sha256()))
                .put("size", r.size())
                .put("deliveries", deliveries)
                .put("committedAt", r.committedAt().toString());
    }

    /** JCA gives ECDSA signatures as DER; JWS wants r and s as fixed-size big-endian halves. */
    private static byte[] derToConcatenated(byte[] der, int size) {
        ASN1Sequence sequence = ASN1Sequence.getInstance(der);
        byte[] out = new byte[2 * size];
        copyUnsigned(ASN1Integer.getInstance(sequence.getObjectAt(0)).getValue(), out, 0, size);
        copyUnsigned(ASN1Integer.getInstance(sequence.getObjectAt(1)).getValue(), out, size, size);
        return out;
    }

    private static void copyUnsigned(BigInteger value, byte[] out, int offset, int size) {
        byte[] bytes = value.toByteArray();
        int start = bytes.length > size ? bytes.length - size : 0;
        int length = bytes.length - start;
        System.arraycopy(bytes, start, out, offset + size - length, length);
    }
}
