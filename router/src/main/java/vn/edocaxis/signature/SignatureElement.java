package vn.edocaxis.signature;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads the parts of an XML-DSig Signature element that verification needs, from the events of
 * its subtree. Elements are recognised by local name only, whatever their namespace, because
 * legacy clients write the signature unqualified. Every text kept is capped.
 */
final class SignatureElement {

    static final int MAX_VALUE_CHARS = 64 * 1024;
    static final int MAX_DIGEST_CHARS = 1024;
    static final int MAX_CERTIFICATES = 10;

    /** One Transform of the Reference. */
    record Transform(String algorithm, List<String> inclusivePrefixes) {
    }

    private int depth;
    private int lastChild; // rank of the latest child of Signature (see order)
    private final String[] path = new String[8];
    private StringBuilder collecting;
    private int collectingDepth;
    private int collectingCap;
    private String collectingName;

    private String problem;

    int signedInfoCount;
    int canonicalizationMethodCount;
    int signatureMethodCount;
    int referenceCount;
    int signatureValueCount;
    int digestMethodCount;
    int digestValueCount;

    String canonicalizationAlgorithm;
    List<String> canonicalizationPrefixes = List.of();
    String signatureAlgorithm;
    String referenceUri;
    final List<Transform> transforms = new ArrayList<>();
    String digestAlgorithm;
    final StringBuilder digestValue = new StringBuilder();
    final StringBuilder signatureValue = new StringBuilder();
    final List<StringBuilder> certificates = new ArrayList<>();

    /** The first structural problem met, or null. */
    String problem() {
        return problem;
    }

    private void problem(String message) {
        if (problem == null) {
            problem = message;
        }
    }

    /**
     * The Signature's children: SignedInfo, SignatureValue, at most one KeyInfo, then Objects
     * (XML-DSig 4.1); any other element there, or one of these out of place, is refused, as
     * Santuario refuses it.
     */
    private void order(String name) {
        int rank = switch (name) {
            case "SignedInfo" -> 1;
            case "SignatureValue" -> 2;
            case "KeyInfo" -> 3;
            case "Object" -> 4;
            default -> 0;
        };
        boolean inPlace = switch (rank) {
            case 1 -> lastChild == 0;
            case 2 -> lastChild == 1;
            case 3 -> lastChild == 2;
            default -> lastChild >= 2;
        };
        if (rank == 0) {
            problem("unexpected element " + name + " in Signature");
        } else if (!inPlace) {
            problem(name + " out of place in Signature (SignedInfo, SignatureValue, at most one KeyInfo, then Objects)");
        }
        lastChild = Math.max(lastChild, rank);
    }

    /** The parent's local name; null for the Signature element itself and below the depth kept (nothing is read there). */
    private String parent() {
        return depth >= 2 && depth - 1 < path.length ? path[depth - 1] : null;
    }

    void startElement(StartTag tag) {
        depth++;
        String name = tag.localName();
        if (depth < path.length) {
            path[depth] = name;
        }
        if (collecting != null) {
            problem("element " + name + " inside " + collectingName);
            return;
        }
        String parent = parent();
        switch (depth) {
            case 2 -> {
                order(name);
                switch (name) {
                    case "SignedInfo" -> signedInfoCount++;
                    case "SignatureValue" -> {
                        if (++signatureValueCount == 1) {
                            collect(signatureValue, MAX_VALUE_CHARS, name);
                        }
                    }
                    default -> {
                        // KeyInfo, Object: read below or ignored
                    }
                }
            }
            case 3 -> {
                if ("SignedInfo".equals(parent)) {
                    switch (name) {
                        case "CanonicalizationMethod" -> {
                            if (++canonicalizationMethodCount == 1) {
                                canonicalizationAlgorithm = algorithm(tag, name);
                            }
                        }
                        case "SignatureMethod" -> {
                            if (++signatureMethodCount == 1) {
                                signatureAlgorithm = algorithm(tag, name);
                            }
                        }
                        case "Reference" -> {
                            if (++referenceCount == 1) {
                                referenceUri = attribute(tag, "URI");
                            }
                        }
                        default -> problem("unexpected element " + name + " in SignedInfo");
                    }
                }
            }
            case 4 -> {
                if ("CanonicalizationMethod".equals(parent) && name.equals("InclusiveNamespaces")
                        && canonicalizationMethodCount == 1 && signedInfo()) {
                    canonicalizationPrefixes = prefixList(tag);
                } else if ("Reference".equals(parent) && referenceCount == 1 && signedInfo()) {
                    switch (name) {
                        case "DigestMethod" -> {
                            if (++digestMethodCount == 1) {
                                digestAlgorithm = algorithm(tag, name);
                            }
                        }
                        case "DigestValue" -> {
                            if (++digestValueCount == 1) {
                                collect(digestValue, MAX_DIGEST_CHARS, name);
                            }
                        }
                        case "Transforms" -> {
                            // Transform children follow
                        }
                        default -> problem("unexpected element " + name + " in Reference");
                    }
                } else if ("X509Data".equals(parent) && "KeyInfo".equals(path[2]) && name.equals("X509Certificate")) {
                    if (certificates.size() == MAX_CERTIFICATES) {
                        problem("KeyInfo carries more than " + MAX_CERTIFICATES + " certificates");
                    } else {
                        StringBuilder certificate = new StringBuilder();
                        certificates.add(certificate);
                        collect(certificate, MAX_VALUE_CHARS, name);
                    }
                }
            }
            case 5 -> {
                if ("Transforms".equals(parent) && referenceCount == 1 && signedInfo()) {
                    if (name.equals("Transform")) {
                        transforms.add(new Transform(algorithm(tag, name), List.of()));
                    } else {
                        problem("unexpected element " + name + " in Transforms");
                    }
                }
            }
            case 6 -> {
                if ("Transform".equals(parent) && name.equals("InclusiveNamespaces") && referenceCount == 1
                        && signedInfo() && !transforms.isEmpty()) {
                    Transform last = transforms.remove(transforms.size() - 1);
                    transforms.add(new Transform(last.algorithm(), prefixList(tag)));
                }
            }
            default -> {
            }
        }
    }

    private boolean signedInfo() {
        return "SignedInfo".equals(path[2]) && signedInfoCount == 1;
    }

    void endElement() {
        if (collecting != null && depth == collectingDepth) {
            collecting = null;
        }
        depth--;
    }

    void text(char[] chars, int offset, int length) {
        if (collecting == null) {
            return;
        }
        if (collecting.length() + length > collectingCap) {
            problem(collectingName + " is longer than " + collectingCap + " characters");
            collecting = null;
            return;
        }
        collecting.append(chars, offset, length);
    }

    private void collect(StringBuilder target, int cap, String name) {
        collecting = target;
        collectingDepth = depth;
        collectingCap = cap;
        collectingName = name;
    }

    private String algorithm(StartTag tag, String element) {
        String algorithm = attribute(tag, "Algorithm");
        if (algorithm == null) {
            problem(element + " has no Algorithm attribute");
        }
        return algorithm;
    }

    private static String attribute(StartTag tag, String localName) {
        for (int i = 0, n = tag.attributeCount(); i < n; i++) {
            if (tag.attributeNamespace(i).isEmpty() && tag.attributeLocalName(i).equals(localName)) {
                return tag.attributeValue(i);
            }
        }
        return null;
    }

    /** An exclusive c14n InclusiveNamespaces PrefixList; {@code #default} becomes the empty prefix. */
    private List<String> prefixList(StartTag tag) {
        String list = attribute(tag, "PrefixList");
        if (list == null) {
            problem("InclusiveNamespaces has no PrefixList attribute");
            return List.of();
        }
        List<String> prefixes = new ArrayList<>();
        for (String token : list.trim().split("[ \t\r\n]+")) {
            if (!token.isEmpty()) {
                prefixes.add(token.equals("#default") ? "" : token);
            }
        }
        return List.copyOf(prefixes);
    }

    /** Decodes base64 as XML-DSig writes it: whitespace (line breaks) allowed, nothing else. Null if not base64. */
    static byte[] base64(CharSequence text) {
        StringBuilder compact = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                compact.append(c);
            }
        }
        try {
            return Base64.getDecoder().decode(compact.toString());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
