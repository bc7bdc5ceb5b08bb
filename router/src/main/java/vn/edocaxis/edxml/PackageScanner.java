package vn.edocaxis.edxml;

import com.fasterxml.aalto.AsyncByteArrayFeeder;
import com.fasterxml.aalto.AsyncXMLInputFactory;
import com.fasterxml.aalto.AsyncXMLStreamReader;
import com.fasterxml.aalto.UncheckedStreamException;
import com.fasterxml.aalto.stax.InputFactoryImpl;
import io.vertx.core.buffer.Buffer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;

/**
 * Parses a package incrementally as its bytes arrive (Aalto's non-blocking parser), enforcing
 * {@link XmlLimits}, refusing DTDs and entity references, and handing every event to a fixed set
 * of {@link XmlEventListener}s. Memory is bounded by the limits, never by the package size: text
 * reaches the listeners in segments.
 *
 * <p>Not thread-safe: one scanner per upload, fed from one context.
 */
public final class PackageScanner {

    private static final AsyncXMLInputFactory FACTORY = newFactory();
    private static final int SLICE = 16 * 1024;
    private static final byte[] DOCTYPE = "<!DOCTYPE".getBytes(StandardCharsets.US_ASCII);
    private static final int PROLOG_KEPT = 1024;
    private static final byte[] TRAILER = {'\n', '\n'};
    // newline search eight bytes at a time (a word has a zero byte where it equalled NEWLINES)
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final Pattern AALTO_LOCATION = Pattern.compile("\\s*at \\[row,col.*$", Pattern.DOTALL);

    private final AsyncXMLStreamReader<AsyncByteArrayFeeder> reader;
    private final XmlLimits limits;
    private final XmlEventListener[] listeners;
    private final ByteObserver observer;
    // Scratch space, only ever used within one feed() call on one thread: shared by the scanners of
    // a thread instead of 32 KiB allocated per package.
    private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() -> new byte[][] {
        new byte[SLICE], new byte[SLICE + 3]});
    private byte[] slice;
    private byte[] whole;
    private final byte[] carry = new byte[3];
    private int carryLength;

    // Aalto's async scanner loses line numbers (newlines in the prolog) and its offsets are only
    // right when every feed starts at index 0: every feed does, and lines are counted here.
    private final long[] recentNewlines = new long[256];
    private long newlines;
    private long parsedBytes;
    private long documentBytes;
    private byte[] pendingBytes;
    private int pendingOffset;
    private int pendingLength;

    private final byte[] head = new byte[3];
    private int headLength;
    private boolean headDone;

    private final byte[] prolog = new byte[PROLOG_KEPT];
    private int prologLength;
    private boolean rootSeen;

    private long bytesSinceEvent;
    private int depth;
    private final StartTagGuard startTags;
    // distinct names by prefix ("" for none), so that a name seen before is found without a string made
    private final Map<String, Set<String>> names = new HashMap<>();
    private int distinctNames;
    private final Set<String> prefixes = new HashSet<>();
    private boolean documentEnded;

    public PackageScanner(XmlLimits limits, List<? extends XmlEventListener> listeners) {
        this(limits, listeners, (bytes, offset, length) -> { });
    }

    /**
     * @param observer sees every raw byte of the package, in order, as it is fed (for a digest)
     */
    public PackageScanner(XmlLimits limits, List<? extends XmlEventListener> listeners, ByteObserver observer) {
        this.reader = FACTORY.createAsyncForByteArray();
        this.limits = limits;
        this.startTags = new StartTagGuard(limits.maxAttributes());
        this.listeners = listeners.toArray(new XmlEventListener[0]);
        this.observer = observer;
    }

    /** Receives the raw bytes of the package; the array is reused once the call returns. */
    @FunctionalInterface
    public interface ByteObserver {
        void onBytes(byte[] bytes, int offset, int length);
    }

    private static AsyncXMLInputFactory newFactory() {
        AsyncXMLInputFactory factory = new InputFactoryImpl();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, Boolean.FALSE);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, Boolean.FALSE);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, Boolean.FALSE);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, Boolean.TRUE);
        return factory;
    }

    /** Feeds the next bytes of the package; runs the listeners on every event they complete. */
    public void feed(Buffer buffer) {
        borrowScratch();
        int length = buffer.length();
        for (int pos = 0; pos < length; pos += SLICE) {
            int n = Math.min(SLICE, length - pos);
            buffer.getBytes(pos, pos + n, slice, 0);
            accept(n);
        }
    }

    /** Feeds the next bytes of the package; the array may be reused once this returns. */
    public void feed(byte[] bytes, int offset, int length) {
        borrowScratch();
        for (int pos = 0; pos < length; pos += SLICE) {
            int n = Math.min(SLICE, length - pos);
            System.arraycopy(bytes, offset + pos, slice, 0, n);
            accept(n);
        }
    }

    private void borrowScratch() {
        byte[][] scratch = SCRATCH.get();
        slice = scratch[0];
        whole = scratch[1];
    }

    /** Takes {@code slice[0..n)}: observed whole, then parsed (minus a byte-order mark). */
    private void accept(int n) {
        observer.onBytes(slice, 0, n);
        int start = 0;
        while (!headDone && start < n && headLength < 3) {
            head[headLength++] = slice[start++];
            checkHead(false);
        }
        if (start < n) {
            pushWhole(slice, start, n - start);
        }
    }

    /**
     * Feeds bytes so that no feed ends inside a UTF-8 sequence: Aalto 1.3.3 decodes a four-byte
     * character split across two feeds in an attribute value as a different character, which
     * would let a slow client forge content a signature covers. The trailing bytes of an
     * incomplete sequence wait for the next feed.
     */
    private void pushWhole(byte[] bytes, int offset, int length) {
        int total = carryLength + length;
        System.arraycopy(carry, 0, whole, 0, carryLength);
        System.arraycopy(bytes, offset, whole, carryLength, length);
        int cut = total;
        for (int back = 1; back <= 3 && total - back >= 0; back++) {
            int b = whole[total - back] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // continuation byte: look further back for the lead byte
            }
            int needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            if (needed > back) {
                cut = total - back;
            }
            break;
        }
        carryLength = total - cut;
        System.arraycopy(whole, cut, carry, 0, carryLength);
        if (cut > 0) {
            push(whole, 0, cut);
        }
    }

    /** Signals the end of the body: the document must be complete. */
    public void end() {
        borrowScratch();
        if (!headDone) {
            checkHead(true);
        }
        if (carryLength > 0) {
            int n = carryLength;
            carryLength = 0;
            push(carry.clone(), 0, n); // an incomplete sequence at the very end: the parser reports it
        }
        // Aalto's async scanner checks an end tag only once two more bytes follow it; two newlines
        // (legal after the root, ignored by canonicalisation, never stored) let it finish.
        pushRaw(TRAILER, 0, TRAILER.length);
        try {
            reader.getInputFeeder().endOfInput();
        } catch (Exception e) {
            throw malformed(e.getMessage(), null);
        }
        drain();
        if (!documentEnded) {
            Location at = reader.getLocation();
            throw malformed(rootSeen ? "the document ends before its root element is closed" : "the document has no root element", at);
        }
    }

    /** Decides what the first bytes mean: a UTF-8 byte-order mark is skipped, UTF-16/32 refused. */
    private void checkHead(boolean atEnd) {
        int b0 = headLength > 0 ? head[0] & 0xFF : -1;
        int b1 = headLength > 1 ? head[1] & 0xFF : -1;
        int b2 = headLength > 2 ? head[2] & 0xFF : -1;
        boolean utf8Bom = b0 == 0xEF && b1 == 0xBB && b2 == 0xBF;
        boolean wide = (b0 == 0xFE && b1 == 0xFF) || (b0 == 0xFF && b1 == 0xFE)
                || (b0 == 0x00 && headLength > 1) || (b1 == 0x00 && headLength > 1);
        if (wide) {
            throw new RouterException(ErrorCode.XML_ENCODING_UNSUPPORTED,
                    "the package is encoded in UTF-16 or UTF-32; edXML packages must be UTF-8");
        }
        if (utf8Bom) {
            headDone = true;
            headLength = 0;
            return;
        }
        boolean maybeBom = b0 == 0xEF && (headLength < 2 || b1 == 0xBB);
        if (!atEnd && (headLength < 2 || (maybeBom && headLength < 3))) {
            return;
        }
        headDone = true;
        if (headLength > 0) {
            byte[] pending = head.clone();
            int n = headLength;
            headLength = 0;
            pushWhole(pending, 0, n);
        }
    }

    private void push(byte[] bytes, int offset, int length) {
        pushRaw(bytes, offset, length);
        documentBytes = parsedBytes;
    }

    private void pushRaw(byte[] bytes, int offset, int length) {
        pendingBytes = bytes == TRAILER ? null : bytes;
        pendingOffset = offset;
        pendingLength = length;
        if (!rootSeen && prologLength < PROLOG_KEPT) {
            int n = Math.min(length, PROLOG_KEPT - prologLength);
            System.arraycopy(bytes, offset, prolog, prologLength, n);
            prologLength += n;
        }
        if (bytes != TRAILER) {
            int over = startTags.scan(bytes, offset, length);
            if (over >= 0) {
                throw new RouterException(ErrorCode.XML_LIMIT_EXCEEDED,
                        "a start tag has more than " + limits.maxAttributes() + " attributes (namespace declarations included)",
                        location(offsetOf(parsedBytes + over - offset), Map.of("limit", limits.maxAttributes())));
            }
        }
        try {
            reader.getInputFeeder().feedInput(bytes, offset, length);
        } catch (XMLStreamException e) {
            throw translate(e);
        }
        bytesSinceEvent += length;
        drain();
        countLines(bytes, offset, length);
        pendingBytes = null;
        if (bytesSinceEvent > limits.maxTokenBytes()) {
            throw new RouterException(ErrorCode.XML_LIMIT_EXCEEDED,
                    "a single markup token (tag, attribute, comment, CDATA or processing instruction) is longer than "
                            + limits.maxTokenBytes() + " bytes",
                    location(reader.getLocation(), Map.of("limit", limits.maxTokenBytes())));
        }
    }

    private void countLines(byte[] bytes, int offset, int length) {
        int i = offset;
        int end = offset + length;
        // eight bytes at a time: only a word holding a newline is looked at byte by byte
        for (; i + 8 <= end; i += 8) {
            long x = (long) LONGS.get(bytes, i) ^ NEWLINES;
            if (((x - ONES) & ~x & HIGH_BITS) != 0) {
                for (int k = i; k < i + 8; k++) {
                    if (bytes[k] == '\n') {
                        newline(k - offset);
                    }
                }
            }
        }
        for (; i < end; i++) {
            if (bytes[i] == '\n') {
                newline(i - offset);
            }
        }
        parsedBytes += length;
    }

    private void newline(int at) {
        recentNewlines[(int) (newlines % recentNewlines.length)] = parsedBytes + at;
        newlines++;
    }

    /**
     * Hands every event parsed so far to the listeners. Aalto parses text lazily, when it is read
     * (here or by a listener), and reports what it finds wrong in it (invalid UTF-8, a forbidden
     * character, {@code ]]>}) as an {@link UncheckedStreamException}: malformed, like the rest.
     */
    private void drain() {
        try {
            drainEvents();
        } catch (UncheckedStreamException e) {
            throw e.getCause() instanceof XMLStreamException cause ? translate(cause) : malformed(e.getMessage(), null);
        }
    }

    private void drainEvents() {
        while (true) {
            int event;
            try {
                if (documentEnded && !reader.hasNext()) {
                    return;
                }
                event = reader.next();
            } catch (XMLStreamException e) {
                throw translate(e);
            } catch (UncheckedStreamException e) {
                throw e;
            } catch (RuntimeException e) {
                // Aalto 1.3.3 throws a bare RuntimeException for some malformed names (an element
                // prefixed "xmlns"): the parser's, so the input's fault
                throw malformed(e.getMessage(), reader.getLocation());
            }
            if (event == AsyncXMLStreamReader.EVENT_INCOMPLETE) {
                return;
            }
            bytesSinceEvent = 0;
            switch (event) {
                case XMLStreamConstants.START_DOCUMENT -> checkEncoding();
                case XMLStreamConstants.START_ELEMENT -> startElement();
                case XMLStreamConstants.PROCESSING_INSTRUCTION -> name(null, reader.getPITarget());
                // Aalto parses text lazily: unless the segment is read, the next call skips the rest
                // of the text node in one go, without returning control. Reading it keeps text in
                // bounded segments.
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> reader.getTextLength();
                case XMLStreamConstants.DTD -> throw doctype(reader.getLocation());
                case XMLStreamConstants.ENTITY_REFERENCE -> throw new RouterException(ErrorCode.XML_DOCTYPE_FORBIDDEN,
                        "entity reference &" + reader.getLocalName() + "; is not defined and is never resolved",
                        location(reader.getLocation(), Map.of()));
                default -> {
                }
            }
            for (XmlEventListener listener : listeners) {
                listener.onEvent(reader, event);
            }
            if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            } else if (event == XMLStreamConstants.END_DOCUMENT) {
                documentEnded = true;
                for (XmlEventListener listener : listeners) {
                    listener.onEndOfDocument();
                }
                return;
            }
        }
    }

    private void checkEncoding() {
        String declared = reader.getCharacterEncodingScheme();
        if (declared != null && !declared.equalsIgnoreCase("UTF-8") && !declared.equalsIgnoreCase("UTF8")) {
            throw new RouterException(ErrorCode.XML_ENCODING_UNSUPPORTED,
                    "the package declares encoding " + declared + "; edXML packages must be UTF-8",
                    Map.of("encoding", declared));
        }
    }

    private void startElement() {
        rootSeen = true;
        depth++;
        if (depth > limits.maxDepth()) {
            throw new RouterException(ErrorCode.XML_LIMIT_EXCEEDED,
                    "elements are nested deeper than " + limits.maxDepth() + " levels",
                    location(reader.getLocation(), Map.of("limit", limits.maxDepth())));
        }
        int attributes = reader.getAttributeCount() + reader.getNamespaceCount();
        if (attributes > limits.maxAttributes()) {
            throw new RouterException(ErrorCode.XML_LIMIT_EXCEEDED,
                    "element " + reader.getLocalName() + " has more than " + limits.maxAttributes() + " attributes",
                    location(reader.getLocation(), Map.of("limit", limits.maxAttributes())));
        }
        for (int i = 0; i < reader.getNamespaceCount(); i++) {
            String prefix = reader.getNamespacePrefix(i);
            if (prefixes.add(prefix == null ? "" : prefix) && prefixes.size() > limits.maxPrefixes()) {
                throw new RouterException(ErrorCode.XML_LIMIT_EXCEEDED,
                        "the package declares more than " + limits.maxPrefixes() + " distinct namespace prefixes",
                        location(reader.getLocation(), Map.of("limit", limits.maxPrefixes())));
            }
        }
        name(reader.getPrefix(), reader.getLocalName());
        for (int i = 0; i < reader.getAttributeCount(); i++) {
            name(reader.getAttributePrefix(i), reader.getAttributeLocalName(i));
        }
    }

    /**
     * Counts the distinct names (prefix included) of elements, attributes and processing-instruction
     * targets: Aalto's cost for names it has not seen grows with the square of their number (a
     * package of 80,000 distinct element names was answered after 3.6 s). Distinct namespace
     * prefixes are counted above, for the same reason (80,000 elements each declaring and using a
     * prefix of its own: 63 s; one prefix declared again and again, or bound to ever new URIs,
     * costs nothing new).
     */
    private void name(String prefix, String local) {
        if (names.computeIfAbsent(prefix == null ? "" : prefix, p -> new HashSet<>()).add(local)
                && ++distinctNames > limits.maxNames()) {
            throw new RouterException(ErrorCode.XML_LIMIT_EXCEEDED,
                    "the package uses more than " + limits.maxNames() + " distinct names (elements, attributes, processing instructions)",
                    location(reader.getLocation(), Map.of("limit", limits.maxNames())));
        }
    }

    /** A location at a byte offset of the document, for limits found before the parser. */
    private static Location offsetOf(long offset) {
        return new Location() {
            @Override
            public int getLineNumber() {
                return -1;
            }

            @Override
            public int getColumnNumber() {
                return -1;
            }

            @Override
            public int getCharacterOffset() {
                return (int) Math.min(Integer.MAX_VALUE, offset);
            }

            @Override
            public String getPublicId() {
                return null;
            }

            @Override
            public String getSystemId() {
                return null;
            }
        };
    }

    private RouterException translate(XMLStreamException e) {
        if (!rootSeen && indexOf(prolog, prologLength, DOCTYPE) >= 0) {
            return doctype(e.getLocation());
        }
        return malformed(e.getMessage(), e.getLocation());
    }

    private RouterException doctype(Location at) {
        return new RouterException(ErrorCode.XML_DOCTYPE_FORBIDDEN,
                "the package contains a document type declaration; DTDs and entities are refused, never resolved",
                location(at, Map.of()));
    }

    private RouterException malformed(String message, Location at) {
        String reason = message == null ? "parse error" : AALTO_LOCATION.matcher(message).replaceAll("").trim();
        Map<String, Object> details = location(at, Map.of());
        String where = details.isEmpty() ? "" : "line " + details.get("line") + ", column " + details.get("column") + ": ";
        return new RouterException(ErrorCode.XML_MALFORMED, where + reason, details);
    }

    /**
     * Line and column of a parser location, from the byte offset Aalto reports and the newlines
     * counted here (columns count bytes from the start of the line).
     */
    private Map<String, Object> location(Location at, Map<String, Object> extra) {
        Map<String, Object> details = new LinkedHashMap<>();
        long offset = at == null ? -1 : at.getCharacterOffset();
        long end = pendingBytes != null ? parsedBytes + pendingLength : documentBytes;
        if (offset < 0 || offset > end) {
            offset = end;
        }
        long line = -1;
        long lineStart = -1;
        if (pendingBytes != null && offset >= parsedBytes) {
            // the error lies in the slice being parsed, which is still at hand
            long before = newlines;
            for (int i = pendingOffset; i < pendingOffset + (offset - parsedBytes); i++) {
                if (pendingBytes[i] == '\n') {
                    before++;
                    lineStart = parsedBytes + i - pendingOffset;
                }
            }
            line = before + 1;
            if (lineStart < 0 && newlines > 0) {
                lineStart = recentNewlines[(int) ((newlines - 1) % recentNewlines.length)];
            }
        } else {
            long kept = Math.min(newlines, recentNewlines.length);
            long before = newlines;
            for (long k = 0; k < kept; k++) {
                long position = recentNewlines[(int) ((newlines - 1 - k) % recentNewlines.length)];
                if (position < offset) {
                    lineStart = position;
                    break;
                }
                before--;
            }
            if (lineStart >= 0 || before == 0) {
                line = before + 1;
            }
        }
        if (line > 0) {
            details.put("line", line);
            details.put("column", offset - lineStart);
        } else if (at != null && at.getLineNumber() > 0) {
            details.put("line", (long) at.getLineNumber());
            details.put("column", (long) at.getColumnNumber());
        }
        details.put("offset", offset);
        details.putAll(extra);
        return details;
    }

    private static int indexOf(byte[] haystack, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
