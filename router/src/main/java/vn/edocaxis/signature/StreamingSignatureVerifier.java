package vn.edocaxis.signature;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;
import vn.edocaxis.edxml.XmlEventListener;
import vn.edocaxis.signature.SignatureResult.Status;
import vn.edocaxis.signature.XmlDsig.C14n;
import vn.edocaxis.signature.XmlDsig.Digest;
import vn.edocaxis.signature.XmlDsig.SignatureMethod;

/**
 * Verifies a package's enveloped XML-DSig signature during the single parse of the package, as
 * one of the {@link vn.edocaxis.edxml.PackageScanner}'s listeners, without ever holding the
 * document.
 *
 * <p>The signature is the element {@code edXML/edXMLEnvelope/edXMLHeader/Signature}, in the
 * XML-DSig namespace or not (legacy clients write it unqualified); other Signature elements are
 * ordinary content. Supported: one {@code Reference URI=""} with the enveloped-signature
 * transform, optionally followed by inclusive or exclusive c14n (with or without comments: the
 * same-document reference drops comments anyway); digests SHA-1/256/512; SignedInfo canonicalised
 * inclusively or exclusively, with or without comments; RSA with SHA-1/256/512 and ECDSA with
 * SHA-256/384. The signer certificate comes from KeyInfo/X509Data/X509Certificate and is judged
 * by a {@link CertificateValidator}.
 *
 * <p><b>One pass, bounded memory.</b> The Reference's algorithms are only known once the parser
 * reaches the Signature, after MessageHeader and TraceHeaderList. Until then the events of the
 * document are recorded in an {@link EventLog} capped at {@code headerCap} (4 MiB of estimated
 * heap by default); when the Signature has been read, the log is replayed into the one
 * canonicaliser and digest it names and the rest of the document (body, attachments) is
 * canonicalised straight into the digest as it streams by. If the header outgrows the cap before
 * the Signature, the log is replayed into every candidate (inclusive and exclusive c14n, each
 * feeding SHA-1, SHA-256 and SHA-512) and dropped, the candidates run on from there, and the one
 * the Reference names is kept. The only thing that fallback cannot serve is exclusive c14n with
 * an InclusiveNamespaces PrefixList (reported as {@link SignatureReason#NOT_CANONICALIZABLE}).
 *
 * <p><b>The bound.</b> Whatever the package size, this listener holds at most: the header log,
 * ≤ {@code headerCap} (4 MiB) plus one event, an event being bounded by the parser's token limit
 * or one text segment; the SignedInfo log, ≤ 64 KiB; the SignatureValue and at most 10
 * X509Certificate texts of ≤ 64 Ki characters each and a DigestValue of ≤ 1 Ki characters
 * (≈ 1.4 MiB together); at most two document canonicalisers (one outside the fallback), each with
 * a 16 KiB output buffer and the namespace bindings in scope, which the parser's depth and
 * attribute limits bound; at most six message digests. About 6 MiB in the worst case; a 200 MB
 * package is verified with 16 MB of heap retained in all (see LargePackageStreamingTest).
 *
 * <p>The verifier trusts the parser's events. Two defects of Aalto 1.3.3's non-blocking parser
 * matter here: {@code <?target?>} is reported with the data of the text before it, which makes a
 * processing instruction whose data equals the preceding text ambiguous (refused as
 * {@link SignatureReason#NOT_CANONICALIZABLE}); and a 4-byte UTF-8 character split between two
 * feeds inside an attribute value is decoded as a different character, which the scanner must
 * prevent by never ending a feed inside a UTF-8 sequence.
 *
 * <p>Call {@link #result()} after the scanner's {@code end()}. One verifier per package; not
 * thread-safe.
 */
public final class StreamingSignatureVerifier implements XmlEventListener {

    /** Default cap on the recorded header, before the Signature is reached. */
    public static final long DEFAULT_HEADER_CAP = 4L << 20;
    static final long SIGNED_INFO_CAP = 64 * 1024;

    private static final String[] PATH = {"edXML", "edXMLEnvelope", "edXMLHeader", "Signature"};
    private static final int SIGNATURE_DEPTH = 4;
    private static final int SIGNED_INFO_DEPTH = 5;
    private static final int TEXT_HEAD = 64;

    private enum Phase {
        /** before the Signature: recording the header */
        RECORDING,
        /** before the Signature, header too large: canonicalising into every candidate */
        CANDIDATES,
        /** after a usable Signature: canonicalising into the chosen digest */
        DIGESTING,
        /** nothing (more) to compute */
        IDLE
    }

    /** One canonicaliser feeding all supported digests, for the oversized-header fallback. */
    private static final class Candidate {
        final MessageDigest[] digests = new MessageDigest[Digest.values().length];
        final Canonicalizer c14n;
        final ByteArrayOutputStream capture;

        Candidate(boolean exclusive, boolean capturing) {
            for (Digest d : Digest.values()) {
                digests[d.ordinal()] = d.newDigest();
            }
            capture = capturing ? new ByteArrayOutputStream() : null;
            Utf8Writer.Sink sink = Utf8Writer.digests(digests);
            c14n = new Canonicalizer(exclusive, false, false, List.of(),
                    new Utf8Writer(capturing ? Utf8Writer.tee(sink, capture) : sink));
        }
    }

    private final CertificateValidator validator;
    private final long headerCap;
    private final StartTag.Live live = new StartTag.Live();

    private Phase phase = Phase.RECORDING;
    private EventLog header;
    private Candidate[] candidates;
    private Canonicalizer document;
    private MessageDigest documentDigest;

    private int depth;
    private int matched;
    private boolean headerClosed;
    /** Namespace declarations (prefix, uri pairs) and xml:* attributes (local name, value pairs) of the path elements. */
    private final String[][] pathNamespaces = new String[SIGNATURE_DEPTH + 1][];
    private final String[][] pathXmlAttributes = new String[SIGNATURE_DEPTH + 1][];

    private boolean signatureSeen;
    private boolean inSignature;
    private Phase phaseBeforeSignature;
    /** The Signature being read, and the first one (the one verified). */
    private SignatureElement reading;
    private SignatureElement signature;
    private EventLog signedInfo;
    private boolean signedInfoDone;

    // Aalto does not clear its text buffer for a processing instruction without data (<?target?>),
    // so getPIData() then repeats the previous text. A PI whose data equals the previous text is
    // therefore ambiguous, and a signature covering one cannot be checked faithfully.
    private final char[] lastTextHead = new char[TEXT_HEAD];
    private int lastTextLength;
    private String[] declarationValues = new String[0];
    private boolean ambiguousPi;

    private boolean relativeNamespace;
    private SignatureReason failure;
    private String failureMessage;
    private Plan plan;
    private byte[] signedInfoBytes;
    private SignatureResult result;

    private boolean capturing;
    private ByteArrayOutputStream referenceCapture;

    /** The algorithms and values read from a usable Signature. */
    private record Plan(C14n signedInfoC14n, SignatureMethod method, C14n referenceC14n, List<String> referencePrefixes,
                        Digest digest, byte[] digestValue, byte[] signatureValue, X509Certificate signer,
                        List<X509Certificate> others) {
    }

    public StreamingSignatureVerifier(CertificateValidator validator) {
        this(validator, DEFAULT_HEADER_CAP);
    }

    /**
     * @param headerCap how much of the header (the part before the Signature) is recorded before
     *                  falling back to computing every candidate digest
     */
    public StreamingSignatureVerifier(CertificateValidator validator, long headerCap) {
        this.validator = validator;
        this.headerCap = headerCap;
        this.header = new EventLog(headerCap);
    }

    /** Test hook: keep a copy of the canonical bytes the document digest is computed over. */
    void captureReferenceBytes() {
        capturing = true;
    }

    /** Test hook: the canonical document bytes digested (see {@link #captureReferenceBytes()}), or null. */
    byte[] referenceBytes() {
        return referenceCapture == null ? null : referenceCapture.toByteArray();
    }

    /** Test hook: the canonical SignedInfo the signature value was checked against, or null. */
    byte[] signedInfoBytes() {
        return signedInfoBytes;
    }

    /** Test hook: whether the oversized-header fallback ran. */
    boolean usedCandidates() {
        return candidates != null || phaseBeforeSignature == Phase.CANDIDATES;
    }

    @Override
    public void onEvent(XMLStreamReader reader, int event) {
        switch (event) {
            case XMLStreamConstants.START_ELEMENT -> startElement(live.on(reader));
            case XMLStreamConstants.END_ELEMENT -> endElement();
            case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
                    text(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
            case XMLStreamConstants.COMMENT ->
                    comment(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
            case XMLStreamConstants.PROCESSING_INSTRUCTION -> processingInstruction(reader.getPITarget(), reader.getPIData());
            case XMLStreamConstants.START_DOCUMENT -> startDocument(reader);
            default -> {
            }
        }
    }

    private void startDocument(XMLStreamReader reader) {
        List<String> values = new ArrayList<>();
        if (reader.getVersion() != null) {
            values.add(reader.getVersion());
        }
        if (reader.getCharacterEncodingScheme() != null) {
            values.add(reader.getCharacterEncodingScheme());
        }
        if (reader.standaloneSet()) {
            values.add(reader.isStandalone() ? "yes" : "no");
        }
        declarationValues = values.toArray(new String[0]);
    }

    private void startElement(StartTag tag) {
        depth++;
        if (inSignature) {
            reading.startElement(tag);
            if (depth == SIGNED_INFO_DEPTH && tag.localName().equals("SignedInfo") && signedInfo == null && failure == null) {
                signedInfo = new EventLog(SIGNED_INFO_CAP);
            }
            if (signedInfo != null && !signedInfoDone) {
                signedInfo.startElement(tag);
            }
            return;
        }
        if (depth <= SIGNATURE_DEPTH && matched == depth - 1 && tag.localName().equals(PATH[depth - 1])) {
            matched = depth;
            rememberPathElement(tag);
            if (depth == SIGNATURE_DEPTH) {
                startSignature(tag);
                return;
            }
        } else if (depth == 1) {
            phase = Phase.IDLE; // not an edXML package: no signature can be at the path
            header = null;
        }
        switch (phase) {
            case RECORDING -> {
                header.startElement(tag);
                checkHeaderCap();
            }
            case CANDIDATES -> {
                for (Candidate c : candidates) {
                    c.c14n.startElement(tag);
                }
            }
            case DIGESTING -> document.startElement(tag);
            case IDLE -> {
            }
        }
    }

    private void rememberPathElement(StartTag tag) {
        String[] namespaces = new String[tag.namespaceCount() * 2];
        for (int i = 0; i < tag.namespaceCount(); i++) {
            namespaces[2 * i] = tag.namespacePrefix(i);
            namespaces[2 * i + 1] = tag.namespaceUri(i);
        }
        List<String> xml = new ArrayList<>();
        for (int i = 0; i < tag.attributeCount(); i++) {
            if (tag.attributeNamespace(i).equals(Canonicalizer.XML_NAMESPACE)) {
                xml.add(tag.attributeLocalName(i));
                xml.add(tag.attributeValue(i));
            }
        }
        pathNamespaces[depth] = namespaces;
        pathXmlAttributes[depth] = xml.toArray(new String[0]);
    }

    private void startSignature(StartTag tag) {
        inSignature = true;
        reading = new SignatureElement();
        reading.startElement(tag);
        if (signature == null) {
            signature = reading;
        }
        if (signatureSeen || headerClosed) {
            fail(SignatureReason.MALFORMED_SIGNATURE, signatureSeen
                    ? "the package carries more than one Signature in edXMLHeader"
                    : "the package carries a Signature in a second edXMLHeader");
            return;
        }
        signatureSeen = true;
        phaseBeforeSignature = phase;
    }

    private void endElement() {
        if (inSignature) {
            if (signedInfo != null && !signedInfoDone) {
                signedInfo.endElement();
                if (depth == SIGNED_INFO_DEPTH) {
                    signedInfoDone = true;
                }
            }
            reading.endElement();
            if (depth == SIGNATURE_DEPTH) {
                inSignature = false;
                matched = SIGNATURE_DEPTH - 1;
                if (failure == null) {
                    endSignature();
                }
            }
            depth--;
            return;
        }
        switch (phase) {
            case RECORDING -> header.endElement();
            case CANDIDATES -> {
                for (Candidate c : candidates) {
                    c.c14n.endElement();
                }
            }
            case DIGESTING -> document.endElement();
            case IDLE -> {
            }
        }
        if (matched == depth) {
            matched--;
            if ((depth == 2 || depth == 3) && !signatureSeen) {
                // the envelope or its header is closed: the signature can no longer come
                headerClosed = true;
                phase = Phase.IDLE;
                header = null;
                candidates = null;
            }
        }
        depth--;
    }

    private void text(char[] chars, int offset, int length) {
        rememberText(chars, offset, length);
        if (inSignature) {
            reading.text(chars, offset, length);
            if (signedInfo != null && !signedInfoDone) {
                signedInfo.text(chars, offset, length);
                checkSignedInfoCap();
            }
            return;
        }
        if (depth == 0) {
            return;
        }
        switch (phase) {
            case RECORDING -> {
                header.text(chars, offset, length);
                checkHeaderCap();
            }
            case CANDIDATES -> {
                for (Candidate c : candidates) {
                    c.c14n.text(chars, offset, length);
                }
            }
            case DIGESTING -> document.text(chars, offset, length);
            case IDLE -> {
            }
        }
    }

    private void comment(char[] chars, int offset, int length) {
        rememberText(chars, offset, length);
        // the same-document reference (URI="") removes comments: only SignedInfo may need them
        if (inSignature && signedInfo != null && !signedInfoDone) {
            signedInfo.comment(chars, offset, length);
            checkSignedInfoCap();
        }
    }

    private void processingInstruction(String target, String rawData) {
        String data = rawData == null ? "" : rawData;
        boolean ambiguous = isStaleText(data);
        rememberText(data);
        if (inSignature) {
            if (signedInfo != null && !signedInfoDone) {
                ambiguousPi |= ambiguous;
                signedInfo.processingInstruction(target, data);
                checkSignedInfoCap();
            }
            return;
        }
        switch (phase) {
            case RECORDING -> {
                ambiguousPi |= ambiguous;
                header.processingInstruction(target, data);
                checkHeaderCap();
            }
            case CANDIDATES -> {
                ambiguousPi |= ambiguous;
                for (Candidate c : candidates) {
                    c.c14n.processingInstruction(target, data);
                }
            }
            case DIGESTING -> {
                ambiguousPi |= ambiguous;
                document.processingInstruction(target, data);
            }
            case IDLE -> {
            }
        }
    }

    private void rememberText(char[] chars, int offset, int length) {
        declarationValues = null;
        lastTextLength = length;
        System.arraycopy(chars, offset, lastTextHead, 0, Math.min(length, TEXT_HEAD));
    }

    private void rememberText(String text) {
        declarationValues = null;
        lastTextLength = text.length();
        text.getChars(0, Math.min(text.length(), TEXT_HEAD), lastTextHead, 0);
    }

    private boolean isStaleText(String data) {
        if (data.isEmpty()) {
            return false;
        }
        if (declarationValues != null) {
            return Arrays.asList(declarationValues).contains(data);
        }
        if (data.length() != lastTextLength) {
            return false;
        }
        for (int i = 0, n = Math.min(data.length(), TEXT_HEAD); i < n; i++) {
            if (data.charAt(i) != lastTextHead[i]) {
                return false;
            }
        }
        return true;
    }

    private void checkHeaderCap() {
        if (header.overflowed()) {
            candidates = new Candidate[] {new Candidate(false, capturing), new Candidate(true, capturing)};
            for (Candidate c : candidates) {
                header.replay(c.c14n);
            }
            header = null;
            phase = Phase.CANDIDATES;
        }
    }

    private void checkSignedInfoCap() {
        if (signedInfo.overflowed() && failure == null) {
            fail(SignatureReason.MALFORMED_SIGNATURE, "SignedInfo is larger than " + SIGNED_INFO_CAP + " bytes");
        }
    }

    private void fail(SignatureReason reason, String message) {
        if (failure == null) {
            failure = reason;
            failureMessage = message;
        }
        phase = Phase.IDLE;
        header = null;
        candidates = null;
        document = null;
        signedInfo = null;
        signedInfoDone = true;
    }

    /** The Signature is read: check it, then set up the one canonicaliser and digest it names. */
    private void endSignature() {
        plan = plan();
        if (plan == null) {
            return;
        }
        signedInfoBytes = canonicalSignedInfo(plan.signedInfoC14n, signature.canonicalizationPrefixes);
        if (phaseBeforeSignature == Phase.RECORDING) {
            documentDigest = plan.digest.newDigest();
            Utf8Writer.Sink sink = Utf8Writer.digests(documentDigest);
            if (capturing) {
                referenceCapture = new ByteArrayOutputStream();
                sink = Utf8Writer.tee(sink, referenceCapture);
            }
            document = new Canonicalizer(plan.referenceC14n.exclusive, false, false, plan.referencePrefixes, new Utf8Writer(sink));
            header.replay(document);
            header = null;
        } else {
            if (plan.referenceC14n.exclusive && !plan.referencePrefixes.isEmpty()) {
                fail(SignatureReason.NOT_CANONICALIZABLE, "the header before the Signature is larger than " + headerCap
                        + " bytes; exclusive c14n with an InclusiveNamespaces PrefixList cannot be verified then");
                return;
            }
            Candidate chosen = candidates[plan.referenceC14n.exclusive ? 1 : 0];
            documentDigest = chosen.digests[plan.digest.ordinal()];
            Utf8Writer.Sink sink = Utf8Writer.digests(documentDigest);
            if (capturing) {
                referenceCapture = chosen.capture;
                sink = Utf8Writer.tee(sink, referenceCapture);
            }
            chosen.c14n.writer().sink(sink);
            document = chosen.c14n;
            candidates = null;
        }
        phase = Phase.DIGESTING;
        signedInfo = null;
    }

    /** Checks what can be checked once the Signature element is read; null (and a failure) if unusable. */
    private Plan plan() {
        SignatureElement s = signature;
        if (s.problem() != null) {
            fail(SignatureReason.MALFORMED_SIGNATURE, s.problem());
            return null;
        }
        if (s.signedInfoCount != 1 || s.signatureValueCount != 1 || s.canonicalizationMethodCount != 1
                || s.signatureMethodCount != 1) {
            fail(SignatureReason.MALFORMED_SIGNATURE, "a Signature needs exactly one SignedInfo (with one CanonicalizationMethod"
                    + " and one SignatureMethod) and one SignatureValue");
            return null;
        }
        if (s.referenceCount == 0) {
            fail(SignatureReason.MALFORMED_SIGNATURE, "SignedInfo has no Reference");
            return null;
        }
        if (s.digestMethodCount != 1 || s.digestValueCount != 1) {
            fail(SignatureReason.MALFORMED_SIGNATURE, "the Reference needs exactly one DigestMethod and one DigestValue");
            return null;
        }
        C14n signedInfoC14n = C14n.of(s.canonicalizationAlgorithm);
        if (signedInfoC14n == null) {
            fail(SignatureReason.UNSUPPORTED_ALGORITHM, "unsupported CanonicalizationMethod " + s.canonicalizationAlgorithm);
            return null;
        }
        SignatureMethod method = SignatureMethod.of(s.signatureAlgorithm);
        if (method == null) {
            fail(SignatureReason.UNSUPPORTED_ALGORITHM, "unsupported SignatureMethod " + s.signatureAlgorithm);
            return null;
        }
        Digest digest = Digest.of(s.digestAlgorithm);
        if (digest == null) {
            fail(SignatureReason.UNSUPPORTED_ALGORITHM, "unsupported DigestMethod " + s.digestAlgorithm);
            return null;
        }
        for (SignatureElement.Transform t : s.transforms) {
            if (!t.algorithm().equals(XmlDsig.ENVELOPED_SIGNATURE) && C14n.of(t.algorithm()) == null) {
                fail(SignatureReason.UNSUPPORTED_ALGORITHM, "unsupported Transform " + t.algorithm());
                return null;
            }
        }
        if (s.referenceCount != 1) {
            fail(SignatureReason.UNSUPPORTED_ALGORITHM, "SignedInfo has " + s.referenceCount + " References; only one, URI=\"\", is supported");
            return null;
        }
        if (!"".equals(s.referenceUri)) {
            fail(SignatureReason.UNSUPPORTED_ALGORITHM, s.referenceUri == null
                    ? "the Reference has no URI; only URI=\"\" (the whole document) is supported"
                    : "the Reference URI is \"" + s.referenceUri + "\"; only URI=\"\" (the whole document) is supported");
            return null;
        }
        List<SignatureElement.Transform> transforms = s.transforms;
        if (transforms.isEmpty() || transforms.size() > 2 || !transforms.get(0).algorithm().equals(XmlDsig.ENVELOPED_SIGNATURE)
                || (transforms.size() == 2 && C14n.of(transforms.get(1).algorithm()) == null)) {
            fail(SignatureReason.UNSUPPORTED_ALGORITHM,
                    "the Reference's transforms must be enveloped-signature, optionally followed by one canonicalisation");
            return null;
        }
        // enveloped alone: the node set is turned into octets with inclusive c14n; comments are gone either way
        C14n referenceC14n = transforms.size() == 2 ? C14n.of(transforms.get(1).algorithm()) : C14n.INCLUSIVE;
        List<String> referencePrefixes = transforms.size() == 2 && referenceC14n.exclusive
                ? transforms.get(1).inclusivePrefixes() : List.of();

        byte[] digestValue = SignatureElement.base64(s.digestValue);
        if (digestValue == null) {
            fail(SignatureReason.MALFORMED_SIGNATURE, "DigestValue is not base64");
            return null;
        }
        byte[] signatureValue = SignatureElement.base64(s.signatureValue);
        if (signatureValue == null || signatureValue.length == 0) {
            fail(SignatureReason.MALFORMED_SIGNATURE, "SignatureValue is not base64");
            return null;
        }
        if (s.certificates.isEmpty()) {
            fail(SignatureReason.CERTIFICATE_MISSING, "KeyInfo carries no X509Certificate");
            return null;
        }
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (StringBuilder text : s.certificates) {
                byte[] der = SignatureElement.base64(text);
                if (der == null) {
                    fail(SignatureReason.MALFORMED_SIGNATURE, "an X509Certificate in KeyInfo is not base64");
                    return null;
                }
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (CertificateException | RuntimeException e) {
            fail(SignatureReason.MALFORMED_SIGNATURE, "an X509Certificate in KeyInfo cannot be decoded: " + e.getMessage());
            return null;
        }
        X509Certificate signer = leaf(certificates);
        List<X509Certificate> others = new ArrayList<>(certificates);
        others.remove(signer);
        return new Plan(signedInfoC14n, method, referenceC14n, referencePrefixes, digest, digestValue, signatureValue,
                signer, List.copyOf(others));
    }

    /** The signer: a certificate that issued none of the others (the first such), else the first. */
    private static X509Certificate leaf(List<X509Certificate> certificates) {
        outer:
        for (X509Certificate candidate : certificates) {
            X500Principal subject = candidate.getSubjectX500Principal();
            for (X509Certificate other : certificates) {
                if (other != candidate && other.getIssuerX500Principal().equals(subject)) {
                    continue outer;
                }
            }
            return candidate;
        }
        return certificates.get(0);
    }

    private byte[] canonicalSignedInfo(C14n c14n, List<String> prefixes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Canonicalizer c = new Canonicalizer(c14n.exclusive, c14n.withComments, true, prefixes,
                new Utf8Writer((b, off, len) -> bytes.write(b, off, len), 2048));
        for (int d = 1; d <= SIGNATURE_DEPTH; d++) {
            String[] ns = pathNamespaces[d];
            for (int i = 0; i < ns.length; i += 2) {
                c.inherit(ns[i], ns[i + 1]);
            }
            String[] xml = pathXmlAttributes[d];
            for (int i = 0; i < xml.length; i += 2) {
                c.inheritXmlAttribute(xml[i], xml[i + 1]);
            }
        }
        signedInfo.replay(c);
        c.flush();
        relativeNamespace |= c.sawRelativeNamespace();
        return bytes.toByteArray();
    }

    @Override
    public void onEndOfDocument() {
        result = finish();
    }

    /**
     * The verdict. Call after the scanner's {@code end()} returned; a package the scanner refused
     * has no verdict.
     *
     * @throws IllegalStateException if the end of the document has not been reached
     */
    public SignatureResult result() {
        if (result == null) {
            throw new IllegalStateException("the document has not been scanned to its end");
        }
        return result;
    }

    private SignatureResult finish() {
        if (!signatureSeen && failure == null) {
            return SignatureResult.absent();
        }
        if (failure == null && plan == null) {
            fail(SignatureReason.MALFORMED_SIGNATURE, "the Signature element is not closed");
        }
        if (failure != null) {
            return invalid(failure, failureMessage);
        }
        document.flush();
        if (relativeNamespace || document.sawRelativeNamespace()) {
            return invalid(SignatureReason.NOT_CANONICALIZABLE,
                    "the signed content declares a relative namespace URI, which Canonical XML cannot process");
        }
        if (ambiguousPi) {
            return invalid(SignatureReason.NOT_CANONICALIZABLE, "the signed content holds a processing instruction whose"
                    + " data the parser cannot tell from the preceding text");
        }
        byte[] computed = documentDigest.digest();
        if (!MessageDigest.isEqual(computed, plan.digestValue)) {
            return invalid(SignatureReason.DIGEST_MISMATCH, "the document's " + plan.digest.jcaName
                    + " digest does not match the Reference's DigestValue: the signed content was changed");
        }
        // the signer's path first: a certificate nobody trusts gets no public-key operation with
        // its key, whatever its size (a trusted signer's path is checked either way)
        Optional<CertificateValidator.Failure> untrusted = validator.validate(plan.signer, plan.others);
        if (untrusted.isPresent()) {
            return invalid(untrusted.get().reason(), untrusted.get().message());
        }
        String mismatch = verifySignatureValue();
        if (mismatch != null) {
            return invalid(SignatureReason.SIGNATURE_MISMATCH, mismatch);
        }
        return build(Status.VALID, null, null);
    }

    /** Null if the SignatureValue verifies over the canonical SignedInfo, else why not. */
    private String verifySignatureValue() {
        SignatureMethod method = plan.method;
        PublicKey key = plan.signer.getPublicKey();
        if (!method.keyAlgorithm.equals(key.getAlgorithm())) {
            return "the signer's key is " + key.getAlgorithm() + " but the SignatureMethod needs " + method.keyAlgorithm;
        }
        byte[] value = plan.signatureValue;
        if (method.ecdsa()) {
            value = XmlDsig.ecdsaRawToDer(value);
            if (value == null) {
                return "the ECDSA SignatureValue is not a pair of equal-length integers";
            }
        }
        try {
            Signature verifier = Signature.getInstance(method.jcaName);
            verifier.initVerify(key);
            verifier.update(signedInfoBytes);
            return verifier.verify(value) ? null : "the SignatureValue does not verify over SignedInfo with the signer's key";
        } catch (InvalidKeyException e) {
            return "the signer's key cannot verify " + method.jcaName + ": " + e.getMessage();
        } catch (GeneralSecurityException e) {
            return "the SignatureValue does not verify: " + e.getMessage();
        }
    }

    private SignatureResult invalid(SignatureReason reason, String message) {
        return build(Status.INVALID, reason, message);
    }

    private SignatureResult build(Status status, SignatureReason reason, String message) {
        X509Certificate signer = plan == null ? null : plan.signer;
        SignatureElement s = signature;
        String referenceC14n = plan == null ? null : plan.referenceC14n.uri;
        if (plan != null && s.transforms.size() == 2) {
            referenceC14n = s.transforms.get(1).algorithm();
        }
        return new SignatureResult(status, reason, message,
                signer == null ? null : signer.getSubjectX500Principal().getName(),
                signer == null ? null : signer.getSerialNumber().toString(16),
                signer,
                s == null ? null : s.signatureAlgorithm,
                s == null ? null : s.digestAlgorithm,
                s == null ? null : s.canonicalizationAlgorithm,
                referenceC14n);
    }
}
