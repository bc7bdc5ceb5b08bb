package vn.edocaxis.service;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;

/**
 * One HTTP byte range ({@code bytes=first-last}, {@code bytes=first-}, {@code bytes=-suffix}),
 * resolved against the size of the package: what a client asks for to resume a download.
 */
public record ByteRange(Long start, Long end, Long suffix) {

    private static final Pattern SPEC = Pattern.compile("(?i)bytes=(\\d*)-(\\d*)");
    /** A range unit (an HTTP token) and its ranges. */
    private static final Pattern UNIT = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+=.*");

    /**
     * Parses a {@code Range} header. Null (the whole package is sent) for a range unit other than
     * bytes, which RFC 9110 §14.2 says to ignore, and for several ranges, which the server may
     * ignore (one 200 instead of a multipart answer). A last position or suffix beyond what a long
     * holds means "to the end"; a first position beyond it is past the end of any package.
     */
    public static ByteRange parse(String header) {
        String value = header.trim();
        boolean bytes = value.regionMatches(true, 0, "bytes=", 0, 6);
        if (bytes ? value.indexOf(',') >= 0 : UNIT.matcher(value).matches()) {
            return null;
        }
        Matcher m = SPEC.matcher(value);
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            throw unsatisfiable("unsupported Range " + header + ": one range of bytes, e.g. bytes=1048576-");
        }
        if (m.group(1).isEmpty()) {
            return new ByteRange(null, null, saturated(m.group(2)));
        }
        long start = saturated(m.group(1));
        Long end = m.group(2).isEmpty() ? null : saturated(m.group(2));
        if (end != null && end < start) {
            throw unsatisfiable("Range " + header + " ends before it starts");
        }
        return new ByteRange(start, end, null);
    }

    /** A position of decimal digits; one that overflows a long is as good as infinite here. */
    private static long saturated(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    long first(long size) {
        long first = suffix != null ? Math.max(0, size - suffix) : start;
        if (first >= size || (suffix != null && suffix == 0)) {
            throw unsatisfiable("the package has " + size + " bytes");
        }
        return first;
    }

    long last(long size) {
        return suffix != null || end == null ? size - 1 : Math.min(end, size - 1);
    }

    private static RouterException unsatisfiable(String message) {
        return new RouterException(ErrorCode.RANGE_NOT_SATISFIABLE, message, Map.of());
    }
}
