package vn.edocaxis.service;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import vn.edocaxis.routing.Fingerprints;
import vn.edocaxis.store.GroupCommitter;
import vn.edocaxis.store.NewDocument;
import vn.edocaxis.store.Receipt;
import vn.edocaxis.store.StoredDocument;

/**
 * Signs submission receipts with the router's own key, all the receipts of a batch transaction
 * with one signature. Each receipt (JSON, fixed field order) is a leaf of a hash tree: leaf
 * {@code SHA-256(0x00 || receipt)}, inner node {@code SHA-256(0x01 || left || right)}, the last
 * node of an odd level carried up unchanged. The router signs the root as a JWS (RFC 7515, compact
 * form) whose header names the algorithm and carries the signing certificate ({@code x5c}) and its
 * SHA-256 fingerprint ({@code kid}), and gives each sender its receipt, the path of sibling hashes
 * from its leaf to the root, and that JWS ({@link Receipt}): one signature per batch instead of
 * one per document (an Ed25519 signature of a receipt cost ~55 µs here, 15 % of the router's CPU
 * samples in a profile of the intake benchmark; docs/BENCHMARKS.md). The siblings are hashes of
 * receipts that name random document ids, so a path tells nothing about other senders' documents.
 * A receipt signed alone (large packages, replays) is a tree of one: the root is its leaf, the
 * path empty. docs/API.md shows how a sender verifies one offline.
 */
public final class ReceiptSigner implements GroupCommitter.Sealer {

    private static final HexFormat HEX = HexFormat.of();

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
            JsonObject h = new JsonObject().put("alg", alg).put("typ", "edoc-receipt-root+jws")
                    .put("kid", Fingerprints.sha256(certificate))
                    .put("x5c", new JsonArray().add(Base64.getEncoder().encodeToString(certificate.getEncoded())));
            this.header = B64URL.encodeToString(h.encode().getBytes(StandardCharsets.UTF_8));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot encode the receipt certificate", e);
        }
    }

    /** The signed statement of what was committed, signed alone. */
    public Receipt sign(SubmitReceipt receipt) {
        return signAll(List.of(receipt)).get(0);
    }

    /** Receipts for documents one batch transaction committed, signed together. */
    @Override
    public List<Receipt> seal(List<NewDocument> documents, List<StoredDocument> stored) {
        List<SubmitReceipt> receipts = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            NewDocument d = documents.get(i);
            StoredDocument s = stored.get(i);
            receipts.add(new SubmitReceipt(s.id(), d.kind(), d.fromUnit(), s.senderSystemId(), d.edxmlDocumentId(), d.size(),
                    d.sha256(), s.committedAt(), s.deliveries(), s.replay(), d.signature(), null));
        }
        return signAll(receipts);
    }

    /** The receipts as leaves of one tree, its root signed once. */
    public List<Receipt> signAll(List<SubmitReceipt> receipts) {
        int n = receipts.size();
        byte[][] payloads = new byte[n][];
        List<byte[][]> levels = new ArrayList<>();
        byte[][] level = new byte[n][];
        for (int i = 0; i < n; i++) {
            payloads[i] = payload(receipts.get(i)).encode().getBytes(StandardCharsets.UTF_8);
            level[i] = leafHash(payloads[i]);
        }
        levels.add(level);
        while (level.length > 1) {
            byte[][] up = new byte[(level.length + 1) / 2][];
            for (int i = 0; i < up.length; i++) {
                up[i] = 2 * i + 1 < level.length ? nodeHash(level[2 * i], level[2 * i + 1]) : level[2 * i];
            }
            levels.add(up);
            level = up;
        }
        String batch = signJws(B64URL.encodeToString(new JsonObject().put("root", HEX.formatHex(level[0])).encode()
                .getBytes(StandardCharsets.UTF_8)));
        List<Receipt> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<String> path = new ArrayList<>();
            int index = i;
            for (byte[][] l : levels.subList(0, levels.size() - 1)) {
                int sibling = index ^ 1;
                if (sibling < l.length) {
                    path.add((sibling < index ? "L:" : "R:") + HEX.formatHex(l[sibling]));
                }
                index /= 2;
            }
            out.add(new Receipt(B64URL.encodeToString(payloads[i]), path, batch));
        }
        return out;
    }

    static byte[] leafHash(byte[] payload) {
        MessageDigest digest = sha256();
        digest.update((byte) 0);
        return digest.digest(payload);
    }

    static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest digest = sha256();
        digest.update((byte) 1);
        digest.update(left);
        return digest.digest(right);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A compact JWS of {@code payload} (base64url already). */
    private String signJws(String payload) {
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
