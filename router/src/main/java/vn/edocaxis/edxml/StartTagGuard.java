package vn.edocaxis.edxml;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Counts the attributes of each start tag in the raw bytes, before the parser sees them. Aalto
 * 1.3.3 reports a start tag only once it has read all of its attributes, and its cost grows with
 * the square of their number (a package of one 870 KB tag with 80,000 distinct attributes was
 * answered after 7 s): the limit has to be applied before it parses them.
 *
 * <p>A small lexer over the markup that matters here: text, start and end tags with quoted
 * attribute values, comments, CDATA sections, processing instructions and declarations, so that
 * an {@code =} in text, a comment, a CDATA section or an attribute value is never counted. An
 * attribute is an {@code =} outside quotes in a start tag. The bytes of multi-byte UTF-8
 * characters are never ASCII, so they cannot be taken for markup. Malformed input is the parser's
 * to report; here it can at most count too little.
 */
final class StartTagGuard {

    private static final int TEXT = 0;
    private static final int OPEN = 1;          // after '<'
    private static final int START_TAG = 2;
    private static final int DOUBLE_QUOTED = 3;
    private static final int SINGLE_QUOTED = 4;
    private static final int TO_GT = 5;         // an end tag or a declaration: ends at '>'
    private static final int PI = 6;            // ends at "?>"
    private static final int BANG = 7;          // after "<!"
    private static final int BANG_DASH = 8;     // after "<!-"
    private static final int COMMENT = 9;       // ends at "-->"
    private static final int CDATA = 10;        // ends at "]]>"

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LTS = 0x3C3C3C3C3C3C3C3CL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    private final int maxAttributes;
    private int state = TEXT;
    private int attributes;
    private int run;                            // '-' or ']' or '?' just seen in a row

    StartTagGuard(int maxAttributes) {
        this.maxAttributes = maxAttributes;
    }

    /**
     * Takes the next bytes of the document. Returns the index of the {@code =} of the first
     * attribute over the limit, or -1.
     */
    int scan(byte[] bytes, int offset, int length) {
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (state == TEXT) {
                i = nextLt(bytes, i, end);
                if (i == end) {
                    break;
                }
                state = OPEN;
                continue;
            }
            byte b = bytes[i];
            switch (state) {
                case OPEN -> {
                    if (b == '!') {
                        state = BANG;
                    } else if (b == '?') {
                        state = PI;
                        run = 0;
                    } else if (b == '/') {
                        state = TO_GT;
                    } else {
                        state = START_TAG;
                        attributes = 0;
                    }
                }
                case START_TAG -> {
                    while (i < end && (b = bytes[i]) != '"' && b != '\'' && b != '>' && b != '=') {
                        i++;
                    }
                    if (i == end) {
                        break;
                    }
                    if (b == '"') {
                        state = DOUBLE_QUOTED;
                    } else if (b == '\'') {
                        state = SINGLE_QUOTED;
                    } else if (b == '>') {
                        state = TEXT;
                    } else if (b == '=' && ++attributes > maxAttributes) {
                        return i;
                    }
                }
                case DOUBLE_QUOTED, SINGLE_QUOTED -> {
                    byte quote = state == DOUBLE_QUOTED ? (byte) '"' : (byte) '\'';
                    while (i < end && bytes[i] != quote) {
                        i++;
                    }
                    if (i < end) {
                        state = START_TAG;
                    }
                }
                case TO_GT -> {
                    while (i < end && bytes[i] != '>') {
                        i++;
                    }
                    if (i < end) {
                        state = TEXT;
                    }
                }
                case PI -> {
                    if (b == '>' && run > 0) {
                        state = TEXT;
                    }
                    run = b == '?' ? 1 : 0;
                }
                case BANG -> {
                    if (b == '-') {
                        state = BANG_DASH;
                    } else if (b == '[') {
                        state = CDATA;
                        run = 0;
                    } else {
                        state = b == '>' ? TEXT : TO_GT;
                    }
                }
                case BANG_DASH -> {
                    state = b == '-' ? COMMENT : TO_GT;
                    run = 0;
                }
                case COMMENT -> {
                    if (b == '>' && run >= 2) {
                        state = TEXT;
                    }
                    run = b == '-' ? run + 1 : 0;
                }
                case CDATA -> {
                    if (b == '>' && run >= 2) {
                        state = TEXT;
                    }
                    run = b == ']' ? run + 1 : 0;
                }
                default -> throw new IllegalStateException("state " + state);
            }
        }
        return -1;
    }

    /** The index of the next '<' from {@code i}, or {@code end}: eight bytes at a time through text. */
    private static int nextLt(byte[] bytes, int i, int end) {
        for (; i + 8 <= end; i += 8) {
            long x = (long) LONGS.get(bytes, i) ^ LTS;
            long found = (x - ONES) & ~x & HIGH_BITS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < end; i++) {
            if (bytes[i] == '<') {
                return i;
            }
        }
        return end;
    }
}
