package vn.edocaxis.edxml.validation;

/**
 * Checks base64 text (RFC 4648 alphabet, {@code =} padding) as it streams by in segments, holding
 * only counters: the standard alphabet, whitespace anywhere, at most two {@code =} and nothing but
 * whitespace after them, and a total that is a multiple of four. Remembers the first problem.
 * Positions in its messages count characters of the parsed text, where XML has already turned
 * each CRLF into a single LF.
 */
final class Base64Check {

    private static final boolean[] ALPHABET = new boolean[128];

    static {
        for (char c = 'A'; c <= 'Z'; c++) {
            ALPHABET[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            ALPHABET[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            ALPHABET[c] = true;
        }
        ALPHABET['+'] = true;
        ALPHABET['/'] = true;
    }

    private long position;
    private long significant;
    private int padding;
    private String problem;

    void reset() {
        position = 0;
        significant = 0;
        padding = 0;
        problem = null;
    }

    void feed(char[] chars, int start, int length) {
        if (problem != null) {
            return;
        }
        int end = start + length;
        for (int i = start; i < end; i++) {
            char c = chars[i];
            position++;
            if (c < 128 && ALPHABET[c]) {
                if (padding > 0) {
                    problem = "base64 data continues after the '=' padding, at character " + position;
                    return;
                }
                significant++;
            } else if (c == '=') {
                significant++;
                if (++padding > 2) {
                    problem = "more than two '=' padding characters, at character " + position;
                    return;
                }
            } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                problem = String.format("'%s' (U+%04X) at character %d is not base64; expected A-Z a-z 0-9 + / with = padding",
                        Character.isISOControl(c) || Character.isSurrogate(c) ? "?" : String.valueOf(c), (int) c, position);
                return;
            }
        }
    }

    /** Base64 characters seen, padding included (whitespace excluded). */
    long significant() {
        return significant;
    }

    /** The first problem, checking the final length; null if the content is valid base64. */
    String finish() {
        if (problem == null && significant % 4 != 0) {
            problem = "the content has " + significant + " base64 characters, not a multiple of 4: it is truncated or lacks its '=' padding";
        }
        return problem;
    }
}
