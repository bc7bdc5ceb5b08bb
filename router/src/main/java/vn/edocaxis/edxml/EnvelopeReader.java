package vn.edocaxis.edxml;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.error.Violation;

/**
 * Reads the routing facts ({@link PackageHeader}) out of the parse events: who sends, to whom,
 * which document, and whether it is a status message. Only the few values it needs are kept, each
 * capped in length, so memory stays constant whatever the package holds.
 */
public final class EnvelopeReader implements XmlEventListener {

    /** Longest value kept for one captured field; longer ones are reported as {@code R.} errors. */
    public static final int MAX_FIELD_CHARS = 1000;

    private static final String[] HEADER_PATH = {"edXML", "edXMLEnvelope", "edXMLHeader"};

    private final String[] names = new String[12];
    private int depth;
    private boolean inHeader;

    private String capturing;
    private final StringBuilder text = new StringBuilder();
    private boolean truncated;

    private String rootName;
    private String from;
    private final Set<String> to = new LinkedHashSet<>();
    private int toElements;
    private int toWithoutOrganId;
    private boolean toHasOrganId;
    private String documentId;
    private boolean responseForSeen;
    private String responseForOrganId;
    private String responseForDocumentId;
    private String statusCode;
    private String businessDocType;
    private String businessDocumentId;
    private String subject;
    private String description;
    private final Set<String> receivers = new LinkedHashSet<>();
    private final Set<String> replaced = new LinkedHashSet<>();
    private final Set<String> replacementTargets = new LinkedHashSet<>();
    private final List<Violation> violations = new ArrayList<>();

    @Override
    public void onEvent(XMLStreamReader reader, int event) {
        switch (event) {
            case XMLStreamConstants.START_ELEMENT -> start(reader.getLocalName());
            case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                if (capturing != null) {
                    int room = MAX_FIELD_CHARS - text.length();
                    int n = reader.getTextLength();
                    if (n > room) {
                        truncated = true;
                        n = Math.max(room, 0);
                    }
                    text.append(reader.getTextCharacters(), reader.getTextStart(), n);
                }
            }
            case XMLStreamConstants.END_ELEMENT -> end();
            default -> {
            }
        }
    }

    private void start(String name) {
        depth++;
        if (depth < names.length) {
            names[depth] = name;
        }
        if (depth == 1) {
            rootName = name;
        }
        inHeader = depth >= 3 && matchesHeader();
        capturing = null;
        if (!inHeader || depth < 5 || depth > 10) {
            return;
        }
        if (depth > 6) {
            businessDetail(name);
            return;
        }
        // Matched on the names themselves: no path string is built for the elements of a package.
        String section = names[4];
        String parent = depth == 6 ? names[5] : null;
        if ("MessageHeader".equals(section)) {
            if (depth == 5) {
                switch (name) {
                    case "DocumentId", "StatusCode", "Subject", "Description" -> capture("MessageHeader/" + name);
                    case "To" -> {
                        toElements++;
                        toHasOrganId = false;
                    }
                    case "ResponseFor" -> responseForSeen = true;
                    default -> {
                    }
                }
            } else if (name.equals("OrganId") && ("From".equals(parent) || "To".equals(parent) || "ResponseFor".equals(parent))) {
                capture("MessageHeader/" + parent + "/OrganId");
            } else if (name.equals("DocumentId") && "ResponseFor".equals(parent)) {
                capture("MessageHeader/ResponseFor/DocumentId");
            }
        } else if ("TraceHeaderList".equals(section) && depth == 6 && "Bussiness".equals(parent)
                && (name.equals("BussinessDocType") || name.equals("DocumentId"))) {
            capture("TraceHeaderList/Bussiness/" + name);
        }
    }

    /**
     * TraceHeaderList/Bussiness/BussinessDocumentInfo/ReceiverList/Receiver/OrganId and
     * TraceHeaderList/Bussiness/ReplacementInfoList/ReplacementInfo/(DocumentId | OrganIdList/OrganId).
     */
    private void businessDetail(String name) {
        if (!"TraceHeaderList".equals(names[4]) || !"Bussiness".equals(names[5])) {
            return;
        }
        if (depth == 9 && name.equals("OrganId") && "BussinessDocumentInfo".equals(names[6]) && "ReceiverList".equals(names[7])
                && "Receiver".equals(names[8])) {
            capture("Receiver/OrganId");
        } else if (depth == 8 && name.equals("DocumentId") && "ReplacementInfoList".equals(names[6]) && "ReplacementInfo".equals(names[7])) {
            capture("ReplacementInfo/DocumentId");
        } else if (depth == 9 && name.equals("OrganId") && "ReplacementInfoList".equals(names[6]) && "ReplacementInfo".equals(names[7])
                && "OrganIdList".equals(names[8])) {
            capture("ReplacementInfo/OrganId");
        }
    }

    private void capture(String path) {
        capturing = path;
        text.setLength(0);
        truncated = false;
    }

    private void end() {
        if (capturing != null) {
            String value = text.toString().strip();
            if (truncated) {
                violations.add(new Violation("R." + capturing.replace('/', '.'),
                        capturing + " is longer than " + MAX_FIELD_CHARS + " characters"));
            } else {
                store(capturing, value);
            }
            capturing = null;
        } else if (inHeader && depth == 5 && "MessageHeader".equals(names[4]) && "To".equals(names[5]) && !toHasOrganId) {
            toWithoutOrganId++;
        }
        depth--;
        inHeader = depth >= 3 && matchesHeader();
    }

    private void store(String path, String value) {
        if (value.isEmpty()) {
            return;
        }
        switch (path) {
            case "MessageHeader/From/OrganId" -> from = from == null ? value : from;
            case "MessageHeader/To/OrganId" -> {
                toHasOrganId = true;
                to.add(value);
            }
            case "MessageHeader/DocumentId" -> documentId = value;
            case "MessageHeader/ResponseFor/OrganId" -> responseForOrganId = value;
            case "MessageHeader/ResponseFor/DocumentId" -> responseForDocumentId = value;
            case "MessageHeader/StatusCode" -> statusCode = value;
            case "MessageHeader/Subject" -> subject = value;
            case "MessageHeader/Description" -> description = value;
            case "Receiver/OrganId" -> receivers.add(value);
            case "ReplacementInfo/DocumentId" -> replaced.add(value);
            case "ReplacementInfo/OrganId" -> replacementTargets.add(value);
            case "TraceHeaderList/Bussiness/BussinessDocType" -> businessDocType = value;
            case "TraceHeaderList/Bussiness/DocumentId" -> businessDocumentId = value;
            default -> throw new IllegalStateException(path);
        }
    }

    private boolean matchesHeader() {
        for (int i = 0; i < HEADER_PATH.length; i++) {
            if (!HEADER_PATH[i].equals(names[i + 1])) {
                return false;
            }
        }
        return true;
    }

    /**
     * The routing facts, once the whole document has been read.
     *
     * @throws RouterException {@link ErrorCode#EDXML_INVALID} listing every missing or oversized field
     */
    public PackageHeader header() {
        List<Violation> problems = new ArrayList<>(violations);
        if (!"edXML".equals(rootName)) {
            problems.add(new Violation("M.edXML", "the root element must be edXML, found " + rootName));
        }
        boolean status = statusCode != null || (responseForSeen && toElements == 0);
        if (from == null) {
            problems.add(new Violation("N.MessageHeader.From.OrganId", "the sending unit (From/OrganId) is missing"));
        }
        if (status) {
            if (responseForOrganId == null) {
                problems.add(new Violation("N.MessageHeader.ResponseFor.OrganId",
                        "a status message must name the other party of the document (ResponseFor/OrganId)"));
            }
            if (responseForDocumentId == null) {
                problems.add(new Violation("N.MessageHeader.ResponseFor.DocumentId",
                        "a status message must name the document it reports on (ResponseFor/DocumentId)"));
            }
            if (statusCode == null) {
                problems.add(new Violation("N.MessageHeader.StatusCode", "a status message must carry a StatusCode"));
            }
        } else {
            if (toElements == 0 || toWithoutOrganId > 0) {
                problems.add(new Violation("N.MessageHeader.To.OrganId",
                        toElements == 0 ? "the package names no recipient (MessageHeader/To)" : "a recipient (To) has no OrganId"));
            }
            if (documentId == null) {
                problems.add(new Violation("N.MessageHeader.DocumentId", "the document id (MessageHeader/DocumentId) is missing"));
            }
        }
        if (!problems.isEmpty()) {
            throw new RouterException(ErrorCode.EDXML_INVALID,
                    problems.size() == 1 ? problems.get(0).message() : problems.size() + " problems in the package", problems);
        }
        return new PackageHeader(status ? PackageKind.STATUS : PackageKind.DOCUMENT, from, List.copyOf(to),
                status ? null : documentId, status ? responseForOrganId : null, responseForDocumentId, statusCode, businessDocType,
                businessDocumentId, subject, status ? description : null, List.copyOf(receivers), List.copyOf(replaced),
                List.copyOf(replacementTargets));
    }
}
