package vn.edocaxis.edxml.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vn.edocaxis.edxml.PackageScanner;
import vn.edocaxis.edxml.XmlLimits;
import vn.edocaxis.error.Violation;
import vn.edocaxis.support.Samples;

/** Runs packages through the real scanner with a {@link PackageValidator}, and mutates sample text. */
final class Validation {

    static final String UPDATE = "edoc_update.edxml";
    static final String REVOCATION = "edoc_revocation.edxml";
    static final String REPLACEMENT = "edoc_replacement.edxml";
    static final String REJECTION = "status_rejection_02.edxml";
    static final String ACCEPTANCE = "status_acceptance_03.edxml";

    private Validation() {
    }

    static String sample(String name) {
        return new String(Samples.bytes(name), StandardCharsets.UTF_8);
    }

    static PackageValidator validate(String xml) {
        return validate(xml.getBytes(StandardCharsets.UTF_8), 8192, new PackageValidator());
    }

    static PackageValidator validate(byte[] bytes, int slice, PackageValidator validator) {
        PackageScanner scanner = new PackageScanner(XmlLimits.DEFAULT, List.of(validator));
        for (int off = 0; off < bytes.length; off += slice) {
            scanner.feed(bytes, off, Math.min(slice, bytes.length - off));
        }
        scanner.end();
        return validator;
    }

    static List<String> codes(PackageValidator validator) {
        return validator.violations().stream().map(Violation::code).toList();
    }

    /** Replaces the first occurrence of {@code old}, which must be there. */
    static String replace(String text, String old, String replacement) {
        int at = text.indexOf(old);
        assertThat(at).as("sample text contains %s", old).isNotNegative();
        return text.substring(0, at) + replacement + text.substring(at + old.length());
    }

    /** Replaces every match of {@code regex} (dot matches newlines), which must match at least once. */
    static String replaceAll(String text, String regex, String replacement) {
        Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(text);
        assertThat(m.find()).as("sample text matches %s", regex).isTrue();
        return m.replaceAll(Matcher.quoteReplacement(replacement));
    }

    /** Inserts {@code insertion} right after the first occurrence of {@code anchor}. */
    static String insertAfter(String text, String anchor, String insertion) {
        return replace(text, anchor, anchor + insertion);
    }

    /** A value of exactly {@code codePoints} code points mixing Vietnamese letters and a supplementary character. */
    static String text(int codePoints) {
        int[] pattern = "ệ𝔸aĐ ".codePoints().toArray();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            int cp = pattern[i % pattern.length];
            out.appendCodePoint(i == codePoints - 1 && cp == ' ' ? 'z' : cp);
        }
        return out.toString();
    }
}
