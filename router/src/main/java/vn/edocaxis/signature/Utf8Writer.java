package vn.edocaxis.signature;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;

/**
 * Encodes canonical output as UTF-8 into a reused buffer and hands full buffers to a sink
 * (digests, or a capture in tests). Escaping follows Canonical XML 1.0 §2.3: text escapes
 * {@code & < > CR}, attribute values escape {@code & < " TAB LF CR}.
 *
 * <p>A high surrogate at the end of one text segment is kept until the next segment, since the
 * parser may split a surrogate pair between two events.
 */
final class Utf8Writer {

    /** Where full buffers go. */
    interface Sink {
        void write(byte[] bytes, int offset, int length);
    }

    private static final int SIZE = 16 * 1024;
    /** Room kept free before each character: the longest escape or UTF-8 sequence is 6 bytes. */
    private static final int ROOM = 8;

    private final byte[] buf;
    private final int limit;
    private int pos;
    private char pendingHigh;
    private Sink sink;
    private long written;

    Utf8Writer(Sink sink) {
        this(sink, SIZE);
    }

    /** With an output buffer of {@code size} bytes (at least 64): small for small outputs such as a SignedInfo. */
    Utf8Writer(Sink sink, int size) {
        this.sink = sink;
        this.buf = new byte[Math.max(64, size)];
        this.limit = buf.length - ROOM;
    }

    void sink(Sink newSink) {
        flush();
        this.sink = newSink;
    }

    /** Bytes produced so far (flushed or not). */
    long written() {
        return written + pos;
    }

    void flush() {
        if (pos > 0) {
            sink.write(buf, 0, pos);
            written += pos;
            pos = 0;
        }
    }

    void ascii(char c) {
        if (pos >= limit) {
            flush();
        }
        buf[pos++] = (byte) c;
    }

    /** Markup, names, comment and PI content: no escaping. */
    void raw(String s) {
        int n = s.length();
        int i = 0;
        if (pendingHigh == 0 && n <= limit - pos) {
            // the usual case, an ASCII name that fits: one bounds check for the whole string
            byte[] b = buf;
            int p = pos;
            for (; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    break;
                }
                b[p++] = (byte) c;
            }
            pos = p;
        }
        for (; i < n; i++) {
            put(s.charAt(i));
        }
    }

    void raw(char[] chars, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            put(chars[i]);
        }
    }

    /** Character content, with the text escapes. */
    void text(char[] chars, int offset, int length) {
        byte[] b = buf;
        int p = pos;
        for (int i = offset, end = offset + length; i < end; i++) {
            if (p >= limit) {
                pos = p;
                flush();
                p = 0;
            }
            char c = chars[i];
            if (c < 0x80 && pendingHigh == 0) {
                switch (c) {
                    case '&' -> p = put(b, p, "&amp;");
                    case '<' -> p = put(b, p, "&lt;");
                    case '>' -> p = put(b, p, "&gt;");
                    case '\r' -> p = put(b, p, "&#xD;");
                    default -> b[p++] = (byte) c;
                }
            } else {
                pos = p;
                put(c);
                p = pos;
            }
        }
        pos = p;
    }

    /** An attribute or namespace value, with the attribute escapes. */
    void attribute(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (pos >= limit) {
                flush();
            }
            char c = s.charAt(i);
            switch (c) {
                case '&' -> pos = put(buf, pos, "&amp;");
                case '<' -> pos = put(buf, pos, "&lt;");
                case '"' -> pos = put(buf, pos, "&quot;");
                case '\t' -> pos = put(buf, pos, "&#x9;");
                case '\n' -> pos = put(buf, pos, "&#xA;");
                case '\r' -> pos = put(buf, pos, "&#xD;");
                default -> put(c);
            }
        }
    }

    private static int put(byte[] b, int p, String escape) {
        for (int i = 0, n = escape.length(); i < n; i++) {
            b[p++] = (byte) escape.charAt(i);
        }
        return p;
    }

    private void put(char c) {
        if (pos >= limit) {
            flush();
        }
        byte[] b = buf;
        if (pendingHigh != 0) {
            char high = pendingHigh;
            pendingHigh = 0;
            if (Character.isLowSurrogate(c)) {
                int cp = Character.toCodePoint(high, c);
                b[pos++] = (byte) (0xF0 | (cp >> 18));
                b[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[pos++] = (byte) (0x80 | (cp & 0x3F));
                return;
            }
            replacement();
        }
        if (c < 0x80) {
            b[pos++] = (byte) c;
        } else if (c < 0x800) {
            b[pos++] = (byte) (0xC0 | (c >> 6));
            b[pos++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isHighSurrogate(c)) {
            pendingHigh = c;
        } else if (Character.isLowSurrogate(c)) {
            replacement();
        } else {
            b[pos++] = (byte) (0xE0 | (c >> 12));
            b[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
            b[pos++] = (byte) (0x80 | (c & 0x3F));
        }
    }

    /** A lone surrogate cannot come from a conforming parser; encode U+FFFD as Java's encoder would. */
    private void replacement() {
        buf[pos++] = (byte) 0xEF;
        buf[pos++] = (byte) 0xBF;
        buf[pos++] = (byte) 0xBD;
    }

    /** Feeds every buffer to all the digests. */
    static Sink digests(MessageDigest... digests) {
        MessageDigest[] targets = digests.clone();
        if (targets.length == 1) {
            MessageDigest only = targets[0];
            return only::update;
        }
        return (bytes, offset, length) -> {
            for (MessageDigest digest : targets) {
                digest.update(bytes, offset, length);
            }
        };
    }

    /** Also copies every buffer into {@code copy}; used by tests to see the canonical bytes. */
    static Sink tee(Sink sink, ByteArrayOutputStream copy) {
        return (bytes, offset, length) -> {
            copy.write(bytes, offset, length);
            sink.write(bytes, offset, length);
        };
    }
}
