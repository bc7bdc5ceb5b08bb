package vn.edocaxis.edxml.validation;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.edxml.validation.Validation.UPDATE;
import static vn.edocaxis.edxml.validation.Validation.codes;
import static vn.edocaxis.edxml.validation.Validation.replaceAll;
import static vn.edocaxis.edxml.validation.Validation.sample;

import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.edxml.PackageScanner;
import vn.edocaxis.edxml.XmlLimits;

/**
 * Size and hostile input: packages far larger than what the validator may hold, generated while
 * they are fed, under the surefire heap of 512 MiB. Heap growth is measured after a full GC with
 * the package half-read, so a validator that kept the streamed text would fail the bound.
 */
class PackageValidatorStreamingTest {

    private static final String ATTACHMENT_OPEN = "<edXML:ContentTransferEncoded";
    private static final String ATTACHMENT_CLOSE = "</edXML:ContentTransferEncoded>";
    private static final String SUBJECT_OPEN = "<edXML:Subject>";
    private static final String SUBJECT_CLOSE = "</edXML:Subject>";
    private static final long HEAP_GROWTH_BOUND = 24L << 20;
    private static final int RETAINED_CHARS_BOUND = 16 * 1024;

    /** 48 KiB of random bytes in MIME base64: 65,536 base64 characters in CRLF-separated lines, no padding. */
    private static byte[] base64Chunk() {
        byte[] raw = new byte[48 * 1024];
        new Random(42).nextBytes(raw);
        return Base64.getMimeEncoder().encode(raw);
    }

    private static String[] splitAround(String text, String open, String close) {
        int start = text.indexOf('>', text.indexOf(open)) + 1;
        int end = text.indexOf(close);
        assertThat(start).isPositive();
        assertThat(end).isGreaterThan(start);
        return new String[] {text.substring(0, start), text.substring(end)};
    }

    private static void feed(PackageScanner scanner, String text) {
        byte[] bytes = text.getBytes(UTF_8);
        scanner.feed(bytes, 0, bytes.length);
    }

    private static int parsedLength(byte[] ascii, int length) {
        return new String(ascii, 0, length, US_ASCII).replace("\r\n", "\n").length();
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    @Test
    void aHundredAndTwentyEightMegabyteAttachmentStreamsThroughAndValidates() {
        String[] parts = splitAround(sample(UPDATE), ATTACHMENT_OPEN, ATTACHMENT_CLOSE);
        byte[] chunk = base64Chunk();
        long chunks = (128L << 20) / 65_536;

        PackageValidator validator = new PackageValidator();
        PackageScanner scanner = new PackageScanner(XmlLimits.DEFAULT, List.of(validator));
        feed(scanner, parts[0]);
        long before = usedHeapAfterGc();
        for (long i = 0; i < chunks; i++) {
            scanner.feed(chunk, 0, chunk.length);
        }
        long during = usedHeapAfterGc();
        assertThat(during - before).as("heap growth while 128 MiB of base64 streamed by").isLessThan(HEAP_GROWTH_BOUND);
        assertThat(validator.retainedChars()).isLessThan(RETAINED_CHARS_BOUND);
        feed(scanner, parts[1]);
        scanner.end();

        assertThat(chunks * chunk.length).isGreaterThan(128L << 20);
        assertThat(validator.violations()).isEmpty();
        assertThat(validator.kind()).isEqualTo(PackageKind.DOCUMENT);
    }

    @Test
    void oneBadCharacterDeepInsideALargeAttachmentIsFoundAtItsPosition() {
        String[] parts = splitAround(sample(UPDATE), ATTACHMENT_OPEN, ATTACHMENT_CLOSE);
        byte[] chunk = base64Chunk();
        byte[] bad = chunk.clone();
        bad[1000] = '*';
        int badChunk = 300;

        PackageValidator validator = new PackageValidator();
        PackageScanner scanner = new PackageScanner(XmlLimits.DEFAULT, List.of(validator));
        feed(scanner, parts[0]);
        for (int i = 0; i < 400; i++) {
            byte[] next = i == badChunk ? bad : chunk;
            scanner.feed(next, 0, next.length);
        }
        feed(scanner, parts[1]);
        scanner.end();

        // positions count the parsed text, where XML has turned every CRLF into one LF
        long position = (long) badChunk * parsedLength(chunk, chunk.length) + parsedLength(chunk, 1000) + 1;
        assertThat(codes(validator)).containsExactly("M.AttachmentEncoded.Attachment.ContentTransferEncoded");
        assertThat(validator.violations().get(0).message())
                .contains("'*' (U+002A) at character " + position + " is not base64");
    }

    @Test
    void aFiftyMegabyteSubjectIsReportedWithoutBeingHeld() {
        String[] parts = splitAround(sample(UPDATE), SUBJECT_OPEN, SUBJECT_CLOSE);
        String phrase = "Quyết định về việc ban hành quy chế liên thông văn bản;";
        String piece = phrase.repeat(64 * 1024 / phrase.length());
        byte[] chunk = piece.getBytes(UTF_8);
        long pieceChars = piece.codePointCount(0, piece.length());
        long pieces = 50_000_000 / pieceChars + 1;

        PackageValidator validator = new PackageValidator();
        PackageScanner scanner = new PackageScanner(XmlLimits.DEFAULT, List.of(validator));
        feed(scanner, parts[0]);
        long before = usedHeapAfterGc();
        for (long i = 0; i < pieces; i++) {
            scanner.feed(chunk, 0, chunk.length);
        }
        long during = usedHeapAfterGc();
        assertThat(during - before).as("heap growth while a 50 M character Subject streamed by").isLessThan(HEAP_GROWTH_BOUND);
        assertThat(validator.retainedChars()).isLessThan(RETAINED_CHARS_BOUND);
        feed(scanner, parts[1]);
        scanner.end();

        long length = pieces * pieceChars;
        assertThat(length).isGreaterThan(50_000_000);
        assertThat(codes(validator)).containsExactly("R.MessageHeader.Subject");
        assertThat(validator.violations().get(0).message())
                .isEqualTo("Subject has " + length + " characters; at most 500 are allowed (found '"
                        + new String((phrase + phrase).codePoints().limit(60).toArray(), 0, 60) + "…')");
    }

    @Test
    void aFloodOfForeignElementsIsCountedButListedOnlyUpToTheCap() {
        String flood = "<x:Junk xmlns:x=\"urn:x\"><x:a/></x:Junk>".repeat(100_000);
        String s = sample(UPDATE).replace("<edXML:MessageHeader>", "<edXML:MessageHeader>" + flood);

        PackageValidator validator = Validation.validate(s);
        assertThat(validator.violations()).hasSize(PackageValidator.DEFAULT_MAX_VIOLATIONS)
                .allSatisfy(v -> assertThat(v.code()).isEqualTo("M.MessageHeader.Junk"));
        assertThat(validator.problemCount()).isEqualTo(100_000);
    }

    @Test
    void moreRecipientsThanTheCapAreOneRangeError() {
        StringBuilder to = new StringBuilder();
        for (int i = 0; i <= EdxmlRules.MAX_RECIPIENTS; i++) {
            to.append("<edXML:To><edXML:OrganId>U").append(i).append("</edXML:OrganId></edXML:To>");
        }
        String s = replaceAll(sample(UPDATE), "<edXML:To>.*?</edXML:To>", "");
        s = s.replace("</edXML:From>", "</edXML:From>" + to);

        PackageValidator validator = Validation.validate(s);
        assertThat(codes(validator)).containsExactly("R.MessageHeader.To");
        assertThat(validator.violations().get(0).message())
                .isEqualTo("To occurs " + (EdxmlRules.MAX_RECIPIENTS + 1) + " times in MessageHeader; at most "
                        + EdxmlRules.MAX_RECIPIENTS + " allowed");
    }
}
