package vn.edocaxis.edxml.validation;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * What the text of a leaf element must look like. Every check receives the value stripped of
 * surrounding whitespace, non-empty and no longer than the element allows (longer values are
 * reported by {@link #tooLong} from their captured prefix alone).
 */
enum ValueKind {

    TEXT(0),

    /** Unit codes (DOMAIN.md section 2): charset and length only, never one structural regex. */
    UNIT_CODE(35) {
        @Override
        Problem check(String value, ElementRule rule) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (!isUnitCodeChar(c)) {
                    return new Problem('M', rule.name + " " + quote(value) + " contains " + describe(value, i)
                            + "; a unit code uses only 0-9, A-Z, a-z and '.' (1 to 35 characters)");
                }
            }
            return null;
        }
    },

    /** Opaque: conventionally {@code code,yyyy/MM/dd,number/notation}, but never parsed (UUIDs occur). */
    DOCUMENT_ID(200),

    DATE(10) {
        @Override
        Problem check(String value, ElementRule rule) {
            if (!shaped(value, "dddd/dd/dd")) {
                return new Problem('T', rule.name + " " + quote(value) + " is not a date of the form yyyy/MM/dd");
            }
            try {
                LocalDate date = LocalDate.of(digits(value, 0, 4), digits(value, 5, 7), digits(value, 8, 10));
                return plausibleYear(date.getYear(), value, rule);
            } catch (DateTimeException e) {
                return new Problem('T', rule.name + " " + quote(value) + " is not a real calendar date (yyyy/MM/dd)");
            }
        }

        @Override
        Problem tooLong(String prefix, boolean cut, long length, ElementRule rule) {
            return new Problem('T', rule.name + " " + quote(prefix, cut) + " is not a date of the form yyyy/MM/dd");
        }
    },

    TIMESTAMP(19) {
        @Override
        Problem check(String value, ElementRule rule) {
            if (!shaped(value, "dddd/dd/dd dd:dd:dd")) {
                return new Problem('T', rule.name + " " + quote(value) + " is not a timestamp of the form yyyy/MM/dd HH:mm:ss");
            }
            try {
                LocalDateTime time = LocalDateTime.of(digits(value, 0, 4), digits(value, 5, 7), digits(value, 8, 10),
                        digits(value, 11, 13), digits(value, 14, 16), digits(value, 17, 19));
                return plausibleYear(time.getYear(), value, rule);
            } catch (DateTimeException e) {
                return new Problem('T', rule.name + " " + quote(value)
                        + " is not a real date and time (yyyy/MM/dd HH:mm:ss, hours 00-23)");
            }
        }

        @Override
        Problem tooLong(String prefix, boolean cut, long length, ElementRule rule) {
            return new Problem('T', rule.name + " " + quote(prefix, cut) + " is not a timestamp of the form yyyy/MM/dd HH:mm:ss");
        }
    },

    /** A non-negative decimal integer within the rule's range: {@code M.} if not a number, {@code R.} if out of range. */
    INTEGER(9) {
        @Override
        Problem check(String value, ElementRule rule) {
            if (!allDigits(value)) {
                return new Problem('M', rule.name + " " + quote(value) + " is not a whole number; expected "
                        + rule.minValue + " to " + rule.maxValue);
            }
            long n = Long.parseLong(value);
            if (n < rule.minValue || n > rule.maxValue) {
                return new Problem('R', rule.name + " is " + n + "; expected " + rule.minValue + " to " + rule.maxValue);
            }
            return null;
        }

        @Override
        Problem tooLong(String prefix, boolean cut, long length, ElementRule rule) {
            return new Problem(allDigits(prefix) ? 'R' : 'M', rule.name + " " + quote(prefix, cut)
                    + (allDigits(prefix) ? " is out of range" : " is not a whole number") + "; expected "
                    + rule.minValue + " to " + rule.maxValue);
        }
    },

    BOOLEAN(5) {
        @Override
        Problem check(String value, ElementRule rule) {
            if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false") || value.equals("0") || value.equals("1")) {
                return null;
            }
            return new Problem('M', rule.name + " " + quote(value) + " is not a boolean; expected true, false, 1 or 0");
        }

        @Override
        Problem tooLong(String prefix, boolean cut, long length, ElementRule rule) {
            return new Problem('M', rule.name + " " + quote(prefix, cut) + " is not a boolean; expected true, false, 1 or 0");
        }
    },

    /** Two digits; codes outside the known set are well-formed (DOMAIN.md section 5: store, don't crash). */
    STATUS_CODE(2) {
        @Override
        Problem check(String value, ElementRule rule) {
            if (value.length() != 2 || !allDigits(value)) {
                return new Problem('M', rule.name + " " + quote(value) + " is not a two-digit status code (01-06, 13, 15, 16, ...)");
            }
            return null;
        }

        @Override
        Problem tooLong(String prefix, boolean cut, long length, ElementRule rule) {
            return new Problem('M', rule.name + " " + quote(prefix, cut) + " is not a two-digit status code (01-06, 13, 15, 16, ...)");
        }
    },

    /** Compared across manifest and attachments after {@link #normalizeContentId}. */
    CONTENT_ID(100),

    CONTENT_TYPE(100) {
        @Override
        Problem check(String value, ElementRule rule) {
            int semicolon = value.indexOf(';');
            String type = semicolon < 0 ? value : value.substring(0, semicolon).strip();
            int slash = type.indexOf('/');
            boolean ok = slash > 0 && slash < type.length() - 1 && type.indexOf('/', slash + 1) < 0
                    && type.chars().allMatch(c -> c > ' ' && c < 127);
            return ok ? null : new Problem('M', rule.name + " " + quote(value) + " is not a media type such as application/zip");
        }
    },

    /** Checked incrementally by {@link Base64Check}, never captured. */
    BASE64(Integer.MAX_VALUE);

    private static final int QUOTE_MAX = 60;

    final int defaultMaxChars;

    ValueKind(int defaultMaxChars) {
        this.defaultMaxChars = defaultMaxChars;
    }

    /** A problem with one value: the code prefix ({@code N M R T}) and a message. */
    record Problem(char prefix, String message) {
    }

    /** The problem of a value within the length limit, or null. */
    Problem check(String value, ElementRule rule) {
        return null;
    }

    /**
     * The problem of a value longer than {@code rule.maxChars}: {@code prefix} is the value as captured,
     * {@code cut} whether the value continues beyond it.
     */
    Problem tooLong(String prefix, boolean cut, long length, ElementRule rule) {
        return new Problem('R', rule.name + " has " + length + " characters; at most " + rule.maxChars
                + " are allowed (found " + quote(prefix, cut) + ")");
    }

    static boolean isUnitCodeChar(char c) {
        return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '.';
    }

    /** {@code cid:209}, {@code <209>} and {@code 209} name the same attachment. */
    static String normalizeContentId(String value) {
        String id = value.strip();
        if (id.regionMatches(true, 0, "cid:", 0, 4)) {
            id = id.substring(4).strip();
        }
        if (id.length() >= 2 && id.charAt(0) == '<' && id.charAt(id.length() - 1) == '>') {
            id = id.substring(1, id.length() - 1).strip();
        }
        return id;
    }

    /** The value in quotes, cut to a readable length, control characters shown as spaces. */
    static String quote(CharSequence value) {
        return quote(value, false);
    }

    /** As {@link #quote(CharSequence)}; {@code cut} marks a value known to continue beyond what is given. */
    static String quote(CharSequence value, boolean cut) {
        StringBuilder out = new StringBuilder(QUOTE_MAX + 4).append('\'');
        int n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (n >= QUOTE_MAX && !Character.isLowSurrogate(c)) {
                return out.append("…'").toString();
            }
            out.append(Character.isISOControl(c) ? ' ' : c);
            if (!Character.isLowSurrogate(c)) {
                n++;
            }
        }
        return out.append(cut ? "…'" : "'").toString();
    }

    private static String describe(String value, int i) {
        char c = value.charAt(i);
        String shown = Character.isISOControl(c) || Character.isWhitespace(c) ? "" : "'" + value.substring(i, value.offsetByCodePoints(i, 1)) + "' ";
        return shown + String.format("(U+%04X) at position %d", value.codePointAt(i), i + 1);
    }

    private static Problem plausibleYear(int year, String value, ElementRule rule) {
        if (year < 1900 || year > 2100) {
            return new Problem('T', rule.name + " " + quote(value) + " has year " + year + "; expected 1900 to 2100");
        }
        return null;
    }

    private static boolean shaped(String value, String pattern) {
        if (value.length() != pattern.length()) {
            return false;
        }
        for (int i = 0; i < pattern.length(); i++) {
            char p = pattern.charAt(i);
            char c = value.charAt(i);
            if (p == 'd' ? c < '0' || c > '9' : c != p) {
                return false;
            }
        }
        return true;
    }

    private static int digits(String value, int from, int to) {
        return Integer.parseInt(value, from, to, 10);
    }

    private static boolean allDigits(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
