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

    private static final Pattern SPEC = Pattern.compile("bytes=(\\d*)-(\\d*)");

    /** Parses a {@code Range} header; multiple ranges are refused. */
    public static ByteRange parse(String header) {
        Matcher m = SPEC.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            throw unsatisfiable("unsupported Range " + header + ": one range of bytes, e.g. bytes=1048576-");
        }
        try {
            if (m.group(1).isEmpty()) {
                return new ByteRange(null, null, Long.parseLong(m.group(2)));
            }
            Long start = Long.parseLong(m.group(1));
            Long end = m.group(2).isEmpty() ? null : Long.parseLong(m.group(2));
            if (end != null && end < start) {
                throw unsatisfiable("Range " + header + " ends before it starts");
            }
            return new ByteRange(start, end, null);
        } catch (NumberFormatException e) {
            throw unsatisfiable("Range " + header + " is out of range");
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
