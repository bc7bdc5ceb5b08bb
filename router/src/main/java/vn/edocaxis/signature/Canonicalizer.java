package vn.edocaxis.signature;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Canonical XML 1.0 (inclusive) and Exclusive XML Canonicalization 1.0 over a stream of parser
 * events, written as UTF-8 to a {@link Utf8Writer}. It serves two shapes of input:
 * <ul>
 *   <li>a whole document (the enveloped-signature reference): events start at the document
 *       level, and comments and processing instructions outside the root get the newline rules;</li>
 *   <li>a subtree (SignedInfo): the first element is the apex; the namespaces in scope from its
 *       ancestors are handed in with {@link #inherit}, as are their {@code xml:*} attributes,
 *       which inclusive c14n copies onto the apex.</li>
 * </ul>
 * The caller leaves out whatever the node set excludes (the Signature subtree) and never feeds
 * comments to a canonicaliser built without them, or rather: this class drops them itself.
 *
 * <p>Namespace bookkeeping is a map from prefix to the innermost binding, each binding linked to
 * the one it hides and carrying the value last rendered for its prefix on the output ancestors
 * (the exclusive rule), so that lookups stay constant-time however many declarations are in
 * scope. Apart from bindings, nothing is allocated per event.
 */
final class Canonicalizer {

    static final String XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace";

    private static final class Binding {
        final String prefix;
        final String uri;
        /** The value this prefix was last rendered with on an output ancestor (or this element). */
        String rendered;
        final int depth;
        final Binding hidden;

        Binding(String prefix, String uri, String rendered, int depth, Binding hidden) {
            this.prefix = prefix;
            this.uri = uri;
            this.rendered = rendered;
            this.depth = depth;
            this.hidden = hidden;
        }
    }

    private final boolean exclusive;
    private final boolean withComments;
    private final boolean subtree;
    private final String[] inclusivePrefixes;
    private final Utf8Writer out;

    private final Map<String, Binding> inScope = new HashMap<>();
    private Binding[] pushed = new Binding[16];
    private int pushedCount;
    private int[] marks = new int[16];
    private String[] prefixes = new String[16];
    private String[] localNames = new String[16];
    private int depth;
    private boolean rootClosed;
    private boolean relativeNamespace;

    /** xml:* attributes of the apex's ancestors, nearest first: local name, value pairs. */
    private String[] inheritedXml = new String[0];

    // scratch for one start tag
    private String[] nsOut = new String[16];
    private int nsOutCount;
    private String[] attrPrefix = new String[16];
    private String[] attrLocal = new String[16];
    private String[] attrNs = new String[16];
    private String[] attrValue = new String[16];
    private int[] order = new int[16];
    private int attrCount;

    /**
     * @param exclusive         exclusive c14n, else inclusive
     * @param withComments      keep comments
     * @param subtree           the input is one element subtree (SignedInfo), not a document
     * @param inclusivePrefixes exclusive c14n's InclusiveNamespaces PrefixList, {@code ""} for
     *                          {@code #default}; ignored for inclusive c14n
     */
    Canonicalizer(boolean exclusive, boolean withComments, boolean subtree, List<String> inclusivePrefixes, Utf8Writer out) {
        this.exclusive = exclusive;
        this.withComments = withComments;
        this.subtree = subtree;
        this.inclusivePrefixes = exclusive ? inclusivePrefixes.toArray(new String[0]) : new String[0];
        this.out = out;
    }

    Utf8Writer writer() {
        return out;
    }

    /** Whether a namespace declaration with a relative URI was met: c14n must fail on those. */
    boolean sawRelativeNamespace() {
        return relativeNamespace;
    }

    /** Declares a namespace of an ancestor of the apex, outermost ancestor first. */
    void inherit(String prefix, String uri) {
        if (prefix.equals("xml")) {
            return;
        }
        Binding old = inScope.get(prefix);
        if (old != null && old.uri.equals(uri)) {
            return;
        }
        inScope.put(prefix, new Binding(prefix, uri, old == null ? initialRendered(prefix) : old.rendered, 0, old));
    }

    /** An {@code xml:*} attribute of an ancestor of the apex; call outermost ancestor first. */
    void inheritXmlAttribute(String localName, String value) {
        for (int i = 0; i < inheritedXml.length; i += 2) {
            if (inheritedXml[i].equals(localName)) {
                inheritedXml[i + 1] = value;
                return;
            }
        }
        inheritedXml = Arrays.copyOf(inheritedXml, inheritedXml.length + 2);
        inheritedXml[inheritedXml.length - 2] = localName;
        inheritedXml[inheritedXml.length - 1] = value;
    }

    private static String initialRendered(String prefix) {
        // nothing rendered yet: the default namespace counts as rendered empty (no xmlns="" needed)
        return prefix.isEmpty() ? "" : null;
    }

    private static boolean isRelative(String uri) {
        return !uri.isEmpty() && uri.indexOf(':') <= 0;
    }

    void startElement(StartTag tag) {
        depth++;
        if (depth == prefixes.length) {
            prefixes = Arrays.copyOf(prefixes, depth * 2);
            localNames = Arrays.copyOf(localNames, depth * 2);
            marks = Arrays.copyOf(marks, depth * 2);
        }
        marks[depth] = pushedCount;
        boolean apex = depth == 1;
        nsOutCount = 0;

        int declarations = tag.namespaceCount();
        for (int i = 0; i < declarations; i++) {
            String prefix = tag.namespacePrefix(i);
            String uri = tag.namespaceUri(i);
            if (prefix.equals("xml")) {
                continue;
            }
            if (isRelative(uri)) {
                relativeNamespace = true;
            }
            Binding old = inScope.get(prefix);
            if (!exclusive && !apex) {
                String parentUri = old == null ? initialRendered(prefix) : old.uri;
                if (!uri.equals(parentUri)) {
                    addNamespace(prefix, uri);
                }
            }
            push(new Binding(prefix, uri, old == null ? initialRendered(prefix) : old.rendered, depth, old));
        }

        if (exclusive) {
            utilize(tag.prefix());
            for (int i = 0, n = tag.attributeCount(); i < n; i++) {
                String prefix = tag.attributePrefix(i);
                if (!prefix.isEmpty() && !prefix.equals("xml")) {
                    utilize(prefix);
                }
            }
            for (String prefix : inclusivePrefixes) {
                utilize(prefix);
            }
        } else if (apex) {
            for (Binding b : inScope.values()) {
                if (!(b.prefix.isEmpty() && b.uri.isEmpty())) {
                    addNamespace(b.prefix, b.uri);
                }
            }
        }

        collectAttributes(tag, apex && !exclusive);
        writeStartTag(tag.prefix(), tag.localName());
        prefixes[depth] = tag.prefix();
        localNames[depth] = tag.localName();
    }

    /** Exclusive c14n: renders the binding of a visibly utilised prefix unless already in effect. */
    private void utilize(String prefix) {
        for (int i = 0; i < nsOutCount; i += 2) {
            if (nsOut[i].equals(prefix)) {
                return;
            }
        }
        Binding b = inScope.get(prefix);
        if (b == null || b.uri.equals(b.rendered)) {
            return;
        }
        addNamespace(prefix, b.uri);
        if (b.depth == depth) {
            b.rendered = b.uri;
        } else {
            push(new Binding(prefix, b.uri, b.uri, depth, b));
        }
    }

    private void push(Binding b) {
        if (pushedCount == pushed.length) {
            pushed = Arrays.copyOf(pushed, pushedCount * 2);
        }
        pushed[pushedCount++] = b;
        inScope.put(b.prefix, b);
    }

    private void addNamespace(String prefix, String uri) {
        if (isRelative(uri)) {
            relativeNamespace = true;
        }
        if (nsOutCount + 2 > nsOut.length) {
            nsOut = Arrays.copyOf(nsOut, nsOut.length * 2);
        }
        nsOut[nsOutCount++] = prefix;
        nsOut[nsOutCount++] = uri;
    }

    private void collectAttributes(StartTag tag, boolean addInheritedXml) {
        int n = tag.attributeCount();
        int total = n + (addInheritedXml ? inheritedXml.length / 2 : 0);
        if (total > attrLocal.length) {
            int size = Math.max(total, attrLocal.length * 2);
            attrPrefix = new String[size];
            attrLocal = new String[size];
            attrNs = new String[size];
            attrValue = new String[size];
            order = new int[size];
        }
        int count = 0;
        for (int i = 0; i < n; i++) {
            attrPrefix[count] = tag.attributePrefix(i);
            attrLocal[count] = tag.attributeLocalName(i);
            attrNs[count] = tag.attributeNamespace(i);
            attrValue[count] = tag.attributeValue(i);
            count++;
        }
        if (addInheritedXml) {
            outer:
            for (int k = 0; k < inheritedXml.length; k += 2) {
                for (int i = 0; i < n; i++) {
                    if (attrNs[i].equals(XML_NAMESPACE) && attrLocal[i].equals(inheritedXml[k])) {
                        continue outer;
                    }
                }
                attrPrefix[count] = "xml";
                attrLocal[count] = inheritedXml[k];
                attrNs[count] = XML_NAMESPACE;
                attrValue[count] = inheritedXml[k + 1];
                count++;
            }
        }
        // insertion sort: namespace URI first (none sorts first), then local name
        for (int i = 0; i < count; i++) {
            int j = i;
            while (j > 0 && compareAttributes(order[j - 1], i) > 0) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        attrCount = count;
    }

    private int compareAttributes(int a, int b) {
        int c = attrNs[a].compareTo(attrNs[b]);
        return c != 0 ? c : attrLocal[a].compareTo(attrLocal[b]);
    }

    private void writeStartTag(String prefix, String localName) {
        // namespace declarations sorted by prefix, the default namespace (empty prefix) first
        for (int i = 2; i < nsOutCount; i += 2) {
            String p = nsOut[i];
            String u = nsOut[i + 1];
            int j = i;
            while (j > 0 && nsOut[j - 2].compareTo(p) > 0) {
                nsOut[j] = nsOut[j - 2];
                nsOut[j + 1] = nsOut[j - 1];
                j -= 2;
            }
            nsOut[j] = p;
            nsOut[j + 1] = u;
        }
        out.ascii('<');
        qname(prefix, localName);
        for (int i = 0; i < nsOutCount; i += 2) {
            out.ascii(' ');
            out.raw("xmlns");
            if (!nsOut[i].isEmpty()) {
                out.ascii(':');
                out.raw(nsOut[i]);
            }
            out.ascii('=');
            out.ascii('"');
            out.attribute(nsOut[i + 1]);
            out.ascii('"');
        }
        for (int k = 0; k < attrCount; k++) {
            int i = order[k];
            out.ascii(' ');
            qname(attrPrefix[i], attrLocal[i]);
            out.ascii('=');
            out.ascii('"');
            out.attribute(attrValue[i]);
            out.ascii('"');
        }
        out.ascii('>');
        for (int k = 0; k < attrCount; k++) {
            attrValue[k] = null;
        }
    }

    private void qname(String prefix, String localName) {
        if (!prefix.isEmpty()) {
            out.raw(prefix);
            out.ascii(':');
        }
        out.raw(localName);
    }

    void endElement() {
        out.ascii('<');
        out.ascii('/');
        qname(prefixes[depth], localNames[depth]);
        out.ascii('>');
        for (int k = pushedCount - 1; k >= marks[depth]; k--) {
            Binding b = pushed[k];
            if (b.hidden == null) {
                inScope.remove(b.prefix);
            } else {
                inScope.put(b.prefix, b.hidden);
            }
            pushed[k] = null;
        }
        pushedCount = marks[depth];
        prefixes[depth] = null;
        localNames[depth] = null;
        depth--;
        if (depth == 0) {
            rootClosed = true;
        }
    }

    /** Character data, CDATA included; whitespace outside the document element is dropped. */
    void text(char[] chars, int offset, int length) {
        if (depth > 0) {
            out.text(chars, offset, length);
        }
    }

    void comment(char[] chars, int offset, int length) {
        if (!withComments || (subtree && depth == 0)) {
            return;
        }
        beforeTopLevelNode();
        out.raw("<!--");
        out.raw(chars, offset, length);
        out.raw("-->");
        afterTopLevelNode();
    }

    void processingInstruction(String target, String data) {
        if (subtree && depth == 0) {
            return;
        }
        beforeTopLevelNode();
        out.raw("<?");
        out.raw(target);
        if (!data.isEmpty()) {
            out.ascii(' ');
            out.raw(data);
        }
        out.raw("?>");
        afterTopLevelNode();
    }

    private void beforeTopLevelNode() {
        if (depth == 0 && rootClosed) {
            out.ascii('\n');
        }
    }

    private void afterTopLevelNode() {
        if (depth == 0 && !rootClosed) {
            out.ascii('\n');
        }
    }

    void flush() {
        out.flush();
    }
}
