package vn.edocaxis.edxml.validation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.edxml.XmlEventListener;
import vn.edocaxis.edxml.validation.ElementRule.Hook;
import vn.edocaxis.edxml.validation.ValueKind.Problem;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.error.Violation;

/**
 * The complete edXML validation of a document package or status message, done in the router's
 * single parse: one {@link XmlEventListener} among the others of the
 * {@link vn.edocaxis.edxml.PackageScanner}. Memory is bounded whatever the package holds: each
 * checked field keeps a prefix of at most 2 &times; (its length limit + 1) chars, enough to hold
 * limit + 1 code points; everything beyond is only counted, and the base64 of attachments is
 * checked character by character as it streams by, never kept.
 *
 * <p>Every problem is collected, up to a cap (default {@value #DEFAULT_MAX_VIOLATIONS}), as a
 * {@link Violation} whose code is a prefix plus the element path: {@code N.} missing or empty,
 * {@code R.} too long, out of range or too many, {@code M.} malformed, {@code T.} a bad date or time.
 * Paths inside {@code edXMLHeader} start below it ({@code N.MessageHeader.To.OrganId}), all others
 * below the root ({@code M.AttachmentEncoded.Attachment.ContentTransferEncoded},
 * {@code N.edXMLEnvelope.edXMLBody.edXMLManifest.Reference}).
 *
 * <p>A package is a <b>status message</b> when its first {@code MessageHeader} has a
 * {@code StatusCode}, or a {@code ResponseFor} and no {@code To}; otherwise it is a <b>document</b>.
 *
 * <table>
 * <caption>Rules (D = document package, S = status message; "opt." = optional, checked when present)</caption>
 * <tr><th>element (path)</th><th>D</th><th>S</th><th>checks, code</th></tr>
 * <tr><td>root</td><td>1</td><td>1</td><td>{@code edXML} in {@value EdxmlRules#NAMESPACE}, else only {@code M.edXML}</td></tr>
 * <tr><td>any element</td><td></td><td></td><td>in the edXML namespace, else {@code M.}path and its subtree is skipped;
 *     unknown edXML elements are tolerated (forward compatibility: newer clients may add fields) and not checked</td></tr>
 * <tr><td>edXMLEnvelope, edXMLEnvelope.edXMLHeader, MessageHeader</td><td>1</td><td>1</td><td>{@code N.}/{@code R.}</td></tr>
 * <tr><td>Signature (in edXMLHeader)</td><td>0..1</td><td>0..1</td><td>XML-DSig, edXML or no namespace (clients write it
 *     unqualified); its content is never validated here (that is the signature verifier's job)</td></tr>
 * <tr><td>MessageHeader.From / .OrganId</td><td>1 / 1</td><td>1 / 1</td><td>unit code: 1-35 of {@code 0-9 A-Z a-z .}
 *     ({@code M.} charset, {@code R.} length), no structural regex (DOMAIN.md section 2)</td></tr>
 * <tr><td>MessageHeader.To / .OrganId</td><td>1..20000 / 1</td><td>0</td><td>unit code; the same OrganId twice
 *     (case-insensitive) is {@code R.MessageHeader.To.OrganId}</td></tr>
 * <tr><td>From/To: OrganName, OrganizationInCharge / OrganAdd / Email / Telephone, Fax / Website</td><td>opt.</td><td>opt.</td>
 *     <td>{@code R.} over 200 / 250 / 100 / 20 / 100 characters. Not required: the router routes by code and names units
 *     from its own directory</td></tr>
 * <tr><td>MessageHeader.DocumentId</td><td>1</td><td>opt.</td><td>opaque, never parsed (dates in it may be
 *     impossible, e.g. 2014/02/30); not blank, at most 200 characters</td></tr>
 * <tr><td>Code (CodeNumber 11, CodeNotation 30)</td><td>1 (both 1)</td><td>opt.</td><td>{@code R.} length</td></tr>
 * <tr><td>PromulgationInfo (Place 50 opt., PromulgationDate 1)</td><td>1</td><td>opt.</td><td>date {@code yyyy/MM/dd}, a real
 *     calendar date, year 1900-2100, else {@code T.}</td></tr>
 * <tr><td>DocumentType (Type 1, TypeDetail opt., TypeName 100 opt.)</td><td>1</td><td>opt.</td><td>Type, TypeDetail
 *     whole numbers 0-999</td></tr>
 * <tr><td>Subject</td><td>1</td><td>opt.</td><td>at most 500 characters</td></tr>
 * <tr><td>Content 500, SignerInfo (Competence 100, Position 100, FullName 50), DueDate (date), ToPlaces.Place* 200,
 *     SteeringType 0-99</td><td>opt.</td><td>opt.</td><td>{@code R.} length or range, {@code T.} date, {@code M.} not a number</td></tr>
 * <tr><td>OtherInfo: Priority 0-4, PromulgationAmount and PageAmount 0-999999, Direction boolean, SphereOfPromulgation 100,
 *     TyperNotation 50, Appendixes.Appendix* 500</td><td>opt.</td><td>opt.</td><td>{@code M.} not a number/boolean,
 *     {@code R.} out of range or too long</td></tr>
 * <tr><td>ResponseFor (OrganId 1, DocumentId 1, Code 100 opt., PromulgationDate opt.)</td><td>0..1000</td><td>1</td>
 *     <td>unit code, opaque id, date</td></tr>
 * <tr><td>StaffInfo (Department 200, Staff 100, Mobile 20, Email 100)</td><td>opt.</td><td>opt.</td><td>{@code R.} length</td></tr>
 * <tr><td>MessageHeader.StatusCode</td><td>(makes it a status)</td><td>1</td><td>two digits, else {@code M.}; a well-formed
 *     code outside 01-06, 13, 15, 16 is accepted and flagged by {@link #unknownStatusCode()}</td></tr>
 * <tr><td>MessageHeader.Description</td><td>opt.</td><td>opt.; 1 for 02</td><td>at most 1000 characters; a refusal (02)
 *     needs its reason: {@code N.MessageHeader.Description}</td></tr>
 * <tr><td>MessageHeader.Timestamp</td><td>opt.</td><td>1</td><td>{@code yyyy/MM/dd HH:mm:ss}, real, else {@code T.}</td></tr>
 * <tr><td>TraceHeaderList</td><td>1</td><td>opt.</td><td>TraceHeader* (0..1000): OrganId 1 (unit code), Timestamp 1</td></tr>
 * <tr><td>TraceHeaderList.Bussiness</td><td>opt.</td><td>opt.</td><td>BussinessDocType 1, 0-3; BussinessDocReason 500;
 *     Paper 0-1; DocumentId opaque; StaffInfo; BussinessDocumentInfo (DocumentInfo, DocumentReceiver 0-99,
 *     ReceiverList.Receiver*: OrganId 1 unit code, ReceiverType 0-99)</td></tr>
 * <tr><td>original document of a revoke/update/replace</td><td></td><td></td><td>2 (update): {@code Bussiness.DocumentId}
 *     required; 3 (replace): {@code Bussiness.DocumentId} or at least one {@code ReplacementInfo}; 1 (revoke): nothing more,
 *     the revoking package repeats the original's {@code MessageHeader.DocumentId} (the real samples name the original
 *     only that way); all reported as {@code N.TraceHeaderList.Bussiness.DocumentId}</td></tr>
 * <tr><td>Bussiness.ReplacementInfoList.ReplacementInfo</td><td>1..1000 in the list</td><td></td><td>DocumentId 1,
 *     OrganIdList 1 with OrganId 1..20000 (unit codes)</td></tr>
 * <tr><td>edXMLEnvelope.edXMLBody / edXMLManifest</td><td>0..1 / 1</td><td>0</td><td>Reference* (0..1000): ContentId 1
 *     (100), ContentType media type, Description 500, AttachmentName 200</td></tr>
 * <tr><td>AttachmentEncoded</td><td>0..1</td><td>0</td><td>Attachment* (0..1000): ContentId 1, AttachmentName 1 (200),
 *     Description 500, ContentType opt., ContentTransferEncoded 1: non-empty base64 (standard alphabet, whitespace
 *     allowed, {@code =} padding, length multiple of 4), else {@code M.}</td></tr>
 * <tr><td>manifest / attachments</td><td></td><td></td><td>ContentIds compared after removing a {@code cid:} prefix and
 *     angle brackets; duplicates {@code R.}; a reference without attachment {@code N.AttachmentEncoded.Attachment}, an
 *     attachment not in the manifest {@code N.edXMLEnvelope.edXMLBody.edXMLManifest.Reference}</td></tr>
 * </table>
 *
 * <p>Values are stripped of surrounding whitespace; an empty optional element counts as absent, an
 * empty required one as missing. Lengths count Unicode code points. A document may have no
 * attachment at all (a revocation needs none). Attributes are not checked.
 *
 * <p>Not thread-safe: one validator per package, fed by one scanner.
 */
public final class PackageValidator implements XmlEventListener {

    /** Violations listed by default; enough to fix a package in one round trip, small enough for a response. */
    public static final int DEFAULT_MAX_VIOLATIONS = 50;

    private static final Set<String> KNOWN_STATUS_CODES = Set.of("01", "02", "03", "04", "05", "06", "13", "15", "16");
    private static final int NAME_IN_PATH_MAX = 64;

    private final int maxViolations;
    private final List<Violation> violations = new ArrayList<>();
    private int problemCount;

    private Frame[] frames = new Frame[16];
    private int depth;
    private int skipFrom = -1;
    private boolean rootInvalid;
    private boolean ended;

    private PackageKind kind;
    private String statusCode;
    private final Set<String> recipients = new HashSet<>();
    private final Set<String> references = new LinkedHashSet<>();
    private final Set<String> attachments = new LinkedHashSet<>();
    private boolean contentIdsOverflow;
    private int businessDocType = -1;
    private int replacementInfos;
    private final Base64Check base64 = new Base64Check();

    /** A validator listing at most {@value #DEFAULT_MAX_VIOLATIONS} violations. */
    public PackageValidator() {
        this(DEFAULT_MAX_VIOLATIONS);
    }

    /** @param maxViolations most violations kept; further problems are counted ({@link #problemCount()}) but not listed */
    public PackageValidator(int maxViolations) {
        if (maxViolations < 1) {
            throw new IllegalArgumentException("maxViolations must be at least 1: " + maxViolations);
        }
        this.maxViolations = maxViolations;
    }

    @Override
    public void onEvent(XMLStreamReader reader, int event) {
        switch (event) {
            case XMLStreamConstants.START_ELEMENT -> start(reader.getLocalName(), reader.getNamespaceURI());
            case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                if (skipFrom < 0 && depth > 0) {
                    text(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
                }
            }
            case XMLStreamConstants.END_ELEMENT -> end();
            default -> {
            }
        }
    }

    @Override
    public void onEndOfDocument() {
        ended = true;
        if (kind == null) {
            kind = PackageKind.DOCUMENT;
        }
        if (rootInvalid) {
            return;
        }
        if (kind == PackageKind.DOCUMENT && !contentIdsOverflow) {
            for (String id : references) {
                if (!attachments.contains(id)) {
                    add("N.AttachmentEncoded.Attachment", "the manifest lists ContentId " + ValueKind.quote(id)
                            + " but no AttachmentEncoded/Attachment has that ContentId");
                }
            }
            for (String id : attachments) {
                if (!references.contains(id)) {
                    add("N.edXMLEnvelope.edXMLBody.edXMLManifest.Reference", "attachment " + ValueKind.quote(id)
                            + " is not listed in edXMLManifest (no Reference with that ContentId)");
                }
            }
        }
    }

    /** Every problem found, at most the cap given to the constructor, in the order found. */
    public List<Violation> violations() {
        requireEnded();
        return List.copyOf(violations);
    }

    /** How many problems were found, including those beyond the cap. */
    public int problemCount() {
        requireEnded();
        return problemCount;
    }

    public boolean isValid() {
        requireEnded();
        return problemCount == 0;
    }

    /** @throws RouterException {@link ErrorCode#EDXML_INVALID} with the violations, if there is any */
    public void throwIfInvalid() {
        requireEnded();
        if (problemCount == 0) {
            return;
        }
        String message = problemCount == 1
                ? violations.get(0).message()
                : problemCount + " problems in the package" + (problemCount > violations.size()
                        ? " (the first " + violations.size() + " are listed)" : "");
        throw new RouterException(ErrorCode.EDXML_INVALID, message, violations);
    }

    /** Document package or status message (a package whose kind cannot be told is taken as a document). */
    public PackageKind kind() {
        requireEnded();
        return kind;
    }

    /** The well-formed {@code StatusCode} of a status message, else null. */
    public String statusCode() {
        requireEnded();
        return kind == PackageKind.STATUS ? statusCode : null;
    }

    /** Whether this status message carries a well-formed code outside 01-06, 13, 15, 16: routed, but worth flagging. */
    public boolean unknownStatusCode() {
        String code = statusCode();
        return code != null && !KNOWN_STATUS_CODES.contains(code);
    }

    /** The characters of package text this validator holds right now (for tests of its memory bound). */
    int retainedChars() {
        int n = 0;
        for (Frame f : frames) {
            if (f != null) {
                n += f.text.capacity();
            }
        }
        return n;
    }

    private void requireEnded() {
        if (!ended) {
            throw new IllegalStateException("the package has not been read to its end");
        }
    }

    private void start(String name, String ns) {
        depth++;
        if (skipFrom > 0) {
            return;
        }
        if (depth == 1) {
            if (!"edXML".equals(name) || !EdxmlRules.NAMESPACE.equals(ns)) {
                rootInvalid = true;
                add("M.edXML", "the root element must be edXML in namespace " + EdxmlRules.NAMESPACE + ", found "
                        + describe(name, ns));
                skipFrom = 1;
                return;
            }
            push(EdxmlRules.ROOT, -1, "edXML", "");
            return;
        }
        Frame parent = frames[depth - 1];
        String path = childPath(parent, name);
        int index = parent.rule == null ? -1 : parent.rule.childIndex(name);
        ElementRule rule = index < 0 ? null : parent.rule.children[index];
        if (rule != null && rule.hook == Hook.SIGNATURE && EdxmlRules.isSignatureNamespace(ns)) {
            parent.counts[index]++;
            parent.filled[index]++;
            skipFrom = depth;
            return;
        }
        if (!EdxmlRules.NAMESPACE.equals(ns)) {
            add("M." + path, "element " + describe(name, ns) + " is not in the edXML namespace " + EdxmlRules.NAMESPACE);
            skipFrom = depth;
            return;
        }
        if (rule == null) {
            push(null, -1, path, path);
            return;
        }
        parent.counts[index]++;
        push(rule, index, path, rule.hook == Hook.EDXML_HEADER ? "" : path);
        if (rule.hook == Hook.BUSINESS) {
            businessDocType = -1;
            replacementInfos = 0;
        } else if (rule.kind == ValueKind.BASE64) {
            base64.reset();
        }
    }

    private void text(char[] chars, int start, int length) {
        Frame f = frames[depth];
        if (f.rule == null || !f.rule.isLeaf()) {
            return;
        }
        if (f.rule.kind == ValueKind.BASE64) {
            base64.feed(chars, start, length);
        } else {
            f.append(chars, start, length);
        }
    }

    private void end() {
        if (skipFrom > 0) {
            if (depth == skipFrom) {
                skipFrom = -1;
            }
            depth--;
            return;
        }
        Frame f = frames[depth];
        if (f.rule != null) {
            boolean filled = f.rule.isLeaf() ? finishLeaf(f) : finishContainer(f);
            if (filled && f.indexInParent >= 0) {
                frames[depth - 1].filled[f.indexInParent]++;
            }
        }
        depth--;
    }

    /** Checks a leaf's value; true if it is not empty. */
    private boolean finishLeaf(Frame f) {
        ElementRule rule = f.rule;
        if (rule.kind == ValueKind.BASE64) {
            if (base64.significant() == 0) {
                return false;
            }
            String problem = base64.finish();
            if (problem != null) {
                add("M." + f.path, rule.name + ": " + problem);
            }
            return true;
        }
        long length = f.length - f.trailingWhitespace;
        if (length == 0) {
            return false;
        }
        String value = null;
        Problem problem;
        if (length > rule.maxChars) {
            problem = rule.kind.tooLong(f.value(), f.cut, length, rule);
        } else {
            value = f.value();
            problem = rule.kind.check(value, rule);
        }
        if (problem != null) {
            add(problem.prefix() + "." + f.path, problem.message());
            return true;
        }
        switch (rule.hook) {
            case TO_ORGAN_ID -> {
                String key = value.toUpperCase(Locale.ROOT);
                if (recipients.contains(key)) {
                    add("R." + f.path, "recipient " + ValueKind.quote(value) + " is listed more than once in MessageHeader/To");
                } else if (recipients.size() < EdxmlRules.MAX_RECIPIENTS) {
                    recipients.add(key);
                }
            }
            case STATUS_CODE -> {
                if (statusCode == null) {
                    statusCode = value;
                }
            }
            case BUSINESS_DOC_TYPE -> businessDocType = Integer.parseInt(value);
            case REFERENCE_CONTENT_ID -> contentId(f, value, references, "in edXMLManifest");
            case ATTACHMENT_CONTENT_ID -> contentId(f, value, attachments, "among the attachments");
            default -> {
            }
        }
        return true;
    }

    private void contentId(Frame f, String value, Set<String> ids, String where) {
        String id = ValueKind.normalizeContentId(value);
        if (id.isEmpty()) {
            add("N." + f.path, "ContentId " + ValueKind.quote(value) + " names nothing; expected cid:<id>");
        } else if (ids.contains(id)) {
            add("R." + f.path, "ContentId " + ValueKind.quote(value) + " appears more than once " + where);
        } else if (ids.size() < EdxmlRules.MAX_ATTACHMENTS) {
            ids.add(id);
        } else {
            contentIdsOverflow = true;
        }
    }

    /** Checks the cardinality of a container's known children and its cross-field rules; always true. */
    private boolean finishContainer(Frame f) {
        ElementRule rule = f.rule;
        if (rule.hook == Hook.MESSAGE_HEADER && kind == null) {
            boolean status = f.counts[rule.childIndex("StatusCode")] > 0
                    || f.counts[rule.childIndex("ResponseFor")] > 0 && f.counts[rule.childIndex("To")] == 0;
            kind = status ? PackageKind.STATUS : PackageKind.DOCUMENT;
        }
        boolean status = kind == PackageKind.STATUS;
        for (int i = 0; i < rule.children.length; i++) {
            ElementRule child = rule.children[i];
            int min = child.min(status);
            int max = child.max(status);
            if (f.filled[i] < min) {
                add("N." + childPath(f, child.name), missing(rule, child, f.counts[i], status));
            }
            if (f.counts[i] > max) {
                add("R." + childPath(f, child.name), max == 0
                        ? (status ? "a status message" : "a document package") + " must not contain " + child.name
                        + " (found " + f.counts[i] + ")"
                        : child.name + " occurs " + f.counts[i] + " times in " + rule.name + "; at most " + max + " allowed");
            }
        }
        switch (rule.hook) {
            case MESSAGE_HEADER -> {
                if (status && "02".equals(statusCode) && f.filled[rule.childIndex("Description")] == 0) {
                    add("N." + childPath(f, "Description"),
                            "status 02 (refused) must give the reason in Description; none found");
                }
            }
            case BUSINESS -> {
                boolean named = f.filled[rule.childIndex("DocumentId")] > 0;
                if (businessDocType == 2 && !named) {
                    add("N." + childPath(f, "DocumentId"), "an update (BussinessDocType 2) must name the document"
                            + " it updates in Bussiness/DocumentId; none found");
                } else if (businessDocType == 3 && !named && replacementInfos == 0) {
                    add("N." + childPath(f, "DocumentId"), "a replacement (BussinessDocType 3) must name the document"
                            + " it replaces in Bussiness/DocumentId or ReplacementInfoList/ReplacementInfo; neither found");
                }
            }
            case REPLACEMENT_INFO -> replacementInfos++;
            default -> {
            }
        }
        return true;
    }

    private static String missing(ElementRule parent, ElementRule child, int present, boolean status) {
        if (present > 0) {
            return child.name + " in " + parent.name + " is empty; a value is required";
        }
        if (child.documentMin != child.statusMin) {
            return (status ? "a status message" : "a document package") + " needs " + child.name + " in "
                    + parent.name + "; none found";
        }
        return parent.name + " has no " + child.name + "; it is required";
    }

    private void push(ElementRule rule, int indexInParent, String path, String childBase) {
        if (depth >= frames.length) {
            frames = Arrays.copyOf(frames, frames.length * 2);
        }
        Frame f = frames[depth];
        if (f == null) {
            f = new Frame();
            frames[depth] = f;
        }
        f.reset(rule, indexInParent, path, childBase);
    }

    private void add(String code, String message) {
        problemCount++;
        if (violations.size() < maxViolations) {
            violations.add(new Violation(code, message));
        }
    }

    private static String childPath(Frame parent, String name) {
        String shown = name.length() > NAME_IN_PATH_MAX ? name.substring(0, NAME_IN_PATH_MAX) + "…" : name;
        return parent.childBase.isEmpty() ? shown : parent.childBase + "." + shown;
    }

    private static String describe(String name, String ns) {
        String shown = name.length() > NAME_IN_PATH_MAX ? name.substring(0, NAME_IN_PATH_MAX) + "…" : name;
        return ns == null || ns.isEmpty() ? shown + " (no namespace)" : shown + " in namespace " + ValueKind.quote(ns);
    }

    /** The state of one open element; reused for every element at the same depth. */
    private static final class Frame {
        ElementRule rule;
        int indexInParent;
        String path;
        String childBase;
        int[] counts = new int[0];
        int[] filled = new int[0];

        final StringBuilder text = new StringBuilder();
        int captureLimit;
        boolean started;
        long length;
        long trailingWhitespace;
        boolean cut;

        void reset(ElementRule rule, int indexInParent, String path, String childBase) {
            this.rule = rule;
            this.indexInParent = indexInParent;
            this.path = path;
            this.childBase = childBase;
            int children = rule == null ? 0 : rule.children.length;
            if (counts.length < children) {
                counts = new int[children];
                filled = new int[children];
            } else {
                Arrays.fill(counts, 0);
                Arrays.fill(filled, 0);
            }
            text.setLength(0);
            // room for maxChars + 1 code points, each possibly a surrogate pair: enough to see a value is too long
            captureLimit = rule != null && rule.isLeaf() && rule.kind != ValueKind.BASE64 ? 2 * (rule.maxChars + 1) : 0;
            started = false;
            length = 0;
            trailingWhitespace = 0;
            cut = false;
        }

        void append(char[] chars, int start, int count) {
            int end = start + count;
            for (int i = start; i < end; i++) {
                char c = chars[i];
                boolean space = Character.isWhitespace(c);
                if (!started) {
                    if (space) {
                        continue;
                    }
                    started = true;
                }
                if (!Character.isLowSurrogate(c)) {
                    length++;
                    trailingWhitespace = space ? trailingWhitespace + 1 : 0;
                }
                if (text.length() < captureLimit) {
                    text.append(c);
                } else if (!space) {
                    cut = true;
                }
            }
        }

        /** The value without surrounding whitespace: all of it if it fits the capture, else its beginning. */
        String value() {
            return text.toString().stripTrailing();
        }
    }
}
