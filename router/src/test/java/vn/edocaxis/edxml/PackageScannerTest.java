package vn.edocaxis.edxml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import javax.xml.stream.XMLStreamConstants;
import org.junit.jupiter.api.Test;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;

class PackageScannerTest {

    private static PackageScanner scanner(XmlEventListener... listeners) {
        return new PackageScanner(XmlLimits.DEFAULT, List.of(listeners));
    }

    private static void scan(byte[] bytes, int sliceSize, XmlEventListener... listeners) {
        PackageScanner scanner = scanner(listeners);
        for (int off = 0; off < bytes.length; off += sliceSize) {
            scanner.feed(bytes, off, Math.min(sliceSize, bytes.length - off));
        }
        scanner.end();
    }

    private static ErrorCode codeOf(byte[] bytes) {
        try {
            scan(bytes, 7);
            return null;
        } catch (RouterException e) {
            return e.code();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void wellFormedDocumentReachesListenersEvenFedOneByteAtATime() {
        AtomicInteger elements = new AtomicInteger();
        scan(utf8("<?xml version='1.0' encoding='UTF-8'?><a><b x='1'>t</b><c/></a>"), 1, (reader, event) -> {
            if (event == XMLStreamConstants.START_ELEMENT) {
                elements.incrementAndGet();
            }
        });
        assertThat(elements).hasValue(3);
    }

    @Test
    void utf8ByteOrderMarkIsAccepted() {
        byte[] doc = utf8("\uFEFF<?xml version='1.0' encoding='UTF-8'?><a/>");
        for (int slice = 1; slice <= 4; slice++) {
            scan(doc, slice);
        }
    }

    @Test
    void leadingGarbageIsMalformedWithLineAndColumn() {
        assertThatThrownBy(() -> scan(utf8("1212<?xml version='1.0'?><a/>"), 1024))
                .isInstanceOfSatisfying(RouterException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.XML_MALFORMED);
                    assertThat(e.details()).containsEntry("line", 1L).containsKey("column");
                    assertThat(e.getMessage()).startsWith("line 1, column");
                });
    }

    @Test
    void doctypeAndEntitiesAreRefusedNeverResolved() {
        assertThat(codeOf(utf8("<?xml version='1.0'?><!DOCTYPE a [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><a>&x;</a>")))
                .isEqualTo(ErrorCode.XML_DOCTYPE_FORBIDDEN);
        assertThat(codeOf(utf8("<!DOCTYPE a SYSTEM 'http://127.0.0.1:1/x.dtd'><a/>"))).isEqualTo(ErrorCode.XML_DOCTYPE_FORBIDDEN);
        assertThat(codeOf(utf8("<!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;'>]><lolz>&lol2;</lolz>")))
                .isEqualTo(ErrorCode.XML_DOCTYPE_FORBIDDEN);
        assertThat(codeOf(utf8("<a>&undeclared;</a>"))).isEqualTo(ErrorCode.XML_DOCTYPE_FORBIDDEN);
    }

    @Test
    void structuralLimitsAreEnforced() {
        assertThat(codeOf(utf8("<a>".repeat(10_000)))).isEqualTo(ErrorCode.XML_LIMIT_EXCEEDED);
        assertThat(codeOf(utf8("<a b='" + "x".repeat(2 << 20) + "'/>"))).isEqualTo(ErrorCode.XML_LIMIT_EXCEEDED);
        assertThat(codeOf(utf8("<a><!--" + "x".repeat(2 << 20) + "--></a>"))).isEqualTo(ErrorCode.XML_LIMIT_EXCEEDED);
        StringBuilder many = new StringBuilder("<a");
        for (int i = 0; i < 300; i++) {
            many.append(" a").append(i).append("='1'");
        }
        assertThat(codeOf(utf8(many.append("/>").toString()))).isEqualTo(ErrorCode.XML_LIMIT_EXCEEDED);
    }

    @Test
    void aFloodOfAttributesNamesOrNamespacesIsRefusedBeforeTheParserPaysForIt() {
        // Aalto's cost for these grows with the square of their number (seconds for 80,000)
        String attributes = flood("<a", i -> " a" + i + "='1'", "/>");
        RouterException many = refusal(utf8(attributes));
        assertThat(many.code()).isEqualTo(ErrorCode.XML_LIMIT_EXCEEDED);
        assertThat(many.getMessage()).contains("start tag has more than 256 attributes");
        assertThat(many.details()).containsEntry("offset", (long) attributes.indexOf(" a256=") + 5);

        RouterException names = refusal(utf8(flood("<a>", i -> "<e" + i + "/>", "</a>")));
        assertThat(names.code()).isEqualTo(ErrorCode.XML_LIMIT_EXCEEDED);
        assertThat(names.getMessage()).contains("more than 2048 distinct names");
        assertThat(refusal(utf8(flood("<a>", i -> "<?t" + i + " data?>", "</a>"))).getMessage())
                .contains("more than 2048 distinct names");

        RouterException namespaces = refusal(utf8(flood("<a>", i -> "<p" + i + ":e xmlns:p" + i + "='u'/>", "</a>")));
        assertThat(namespaces.code()).isEqualTo(ErrorCode.XML_LIMIT_EXCEEDED);
        assertThat(namespaces.getMessage()).contains("declares more than 512 distinct namespace prefixes");

        // the same names and prefixes again and again cost nothing new, whatever the URIs
        assertThat(codeOf(utf8("<a>" + "<e x='1' y='2'/>".repeat(100_000) + "</a>"))).isNull();
        assertThat(codeOf(utf8(flood("<a>", i -> "<p:e xmlns:p='urn:" + i + "' xmlns='urn:d" + i + "'/>", "</a>")))).isNull();
    }

    /** {@code open}, then 100,000 pieces numbered from 0, then {@code close}. */
    private static String flood(String open, IntFunction<String> piece, String close) {
        StringBuilder xml = new StringBuilder(open);
        for (int i = 0; i < 100_000; i++) {
            xml.append(piece.apply(i));
        }
        return xml.append(close).toString();
    }

    private static RouterException refusal(byte[] bytes) {
        try {
            scan(bytes, 16 * 1024);
        } catch (RouterException e) {
            return e;
        }
        throw new AssertionError("accepted");
    }

    @Test
    void hugeTextNodeStreamsInSegments() {
        AtomicInteger longest = new AtomicInteger();
        PackageScanner scanner = scanner((reader, event) -> {
            if (event == XMLStreamConstants.CHARACTERS) {
                longest.accumulateAndGet(reader.getTextLength(), Math::max);
            }
        });
        scanner.feed(utf8("<a>"), 0, 3);
        byte[] chunk = utf8("x".repeat(64 * 1024));
        for (int i = 0; i < 64 * 16; i++) { // 64 MiB of text in one node
            scanner.feed(chunk, 0, chunk.length);
        }
        scanner.feed(utf8("</a>"), 0, 4);
        scanner.end();
        assertThat(longest.get()).isLessThanOrEqualTo(64 * 1024);
    }

    @Test
    void hugeTextNodeNobodyReadsStillStreamsWithinTheTokenLimit() {
        PackageScanner scanner = scanner();
        byte[] start = utf8("<r><a>");
        scanner.feed(start, 0, start.length);
        byte[] chunk = utf8("QUJD".repeat(4096));
        for (int i = 0; i < 1024; i++) { // 16 MiB of text that no listener looks at
            scanner.feed(chunk, 0, chunk.length);
        }
        byte[] end = utf8("</a></r>");
        scanner.feed(end, 0, end.length);
        scanner.end();
    }

    @Test
    void fourByteCharactersSplitAcrossFeedsReadTheSameAsWhole() {
        // Aalto 1.3.3 on its own decodes U+10031 split between two feeds inside an attribute value
        // as U+0031: a slow client could make the listeners see other text than the bytes say.
        String value = "\uD800\uDC31000";
        byte[] doc = utf8("<a v=\"" + value + "\">t\uD800\uDC31</a>");
        for (int slice = 1; slice <= 8; slice++) {
            StringBuilder attribute = new StringBuilder();
            StringBuilder text = new StringBuilder();
            scan(doc, slice, (reader, event) -> {
                if (event == XMLStreamConstants.START_ELEMENT) {
                    attribute.append(reader.getAttributeValue(0));
                } else if (event == XMLStreamConstants.CHARACTERS) {
                    text.append(reader.getText());
                }
            });
            assertThat(attribute.toString()).as("slice %d", slice).isEqualTo(value);
            assertThat(text.toString()).as("slice %d", slice).isEqualTo("t\uD800\uDC31");
        }
    }

    @Test
    void encodingsOtherThanUtf8AreRefused() {
        assertThat(codeOf("<?xml version='1.0' encoding='UTF-16'?><a/>".getBytes(StandardCharsets.UTF_16)))
                .isEqualTo(ErrorCode.XML_ENCODING_UNSUPPORTED);
        assertThat(codeOf("<?xml version='1.0' encoding='ISO-8859-1'?><a>\u00e9</a>".getBytes(StandardCharsets.ISO_8859_1)))
                .isEqualTo(ErrorCode.XML_ENCODING_UNSUPPORTED);
    }

    @Test
    void invalidUtf8IsMalformed() {
        assertThat(codeOf(new byte[] {'<', 'a', '>', (byte) 0xC3, (byte) 0x28, '<', '/', 'a', '>'}))
                .isEqualTo(ErrorCode.XML_MALFORMED);
    }

    /**
     * Aalto reads text lazily and reports what it finds inside it as an unchecked exception: each
     * of these was an internal error (500) once, found by mutating a sample package.
     */
    @Test
    void badBytesInsideTextAreMalformedWithTheirPlace() {
        byte[] invalidUtf8 = {(byte) 0xC3, (byte) 0x28};
        byte[] controlCharacter = {0x01};
        byte[] cdataEnd = utf8("]]>");
        byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
        for (byte[] bad : List.of(invalidUtf8, controlCharacter, cdataEnd, surrogate)) {
            for (int slice : List.of(7, 4096, 1 << 20)) {
                java.io.ByteArrayOutputStream doc = new java.io.ByteArrayOutputStream();
                doc.writeBytes(utf8("<r>\n<a>" + "x".repeat(10_000)));
                doc.writeBytes(bad);
                doc.writeBytes(utf8("x".repeat(10_000) + "</a></r>"));
                assertThatThrownBy(() -> scan(doc.toByteArray(), slice))
                        .isInstanceOfSatisfying(RouterException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.XML_MALFORMED);
                            assertThat(e.getMessage()).startsWith("line 2, column ");
                        });
            }
        }
    }

    /** Aalto throws a bare RuntimeException for these: a 500 once, found by mutating a sample. */
    @Test
    void elementPrefixedXmlnsIsMalformed() {
        assertThat(codeOf(utf8("<a><xmlns:b/></a>"))).isEqualTo(ErrorCode.XML_MALFORMED);
        assertThat(codeOf(utf8("<a><xmlns:b xmlns:xmlns='urn:x'/></a>"))).isEqualTo(ErrorCode.XML_MALFORMED);
    }

    @Test
    void mismatchedFinalEndTagIsReportedWhereItIs() {
        assertThatThrownBy(() -> scan(utf8("<a>\n<b>\n</a>"), 1024))
                .isInstanceOfSatisfying(RouterException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.XML_MALFORMED);
                    assertThat(e.getMessage()).contains("end tag");
                    assertThat(e.details()).containsEntry("line", 3L);
                });
    }

    /** Newlines at every offset within the scanner's eight-byte words, found whatever the slicing. */
    @Test
    void linesAreCountedWhereverTheNewlinesFall() {
        StringBuilder doc = new StringBuilder("<r>\n");
        for (int i = 0; i < 300; i++) {
            doc.append("<x>").append("y".repeat(i % 11)).append("</x>\n");
        }
        doc.append("<b>\n</r>");
        for (int slice : List.of(1, 7, 13, 4096, 1 << 20)) {
            assertThatThrownBy(() -> scan(utf8(doc.toString()), slice))
                    .isInstanceOfSatisfying(RouterException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.XML_MALFORMED);
                        assertThat(e.details()).containsEntry("line", 303L);
                    });
        }
    }

    @Test
    void truncatedOrEmptyDocumentsAreMalformed() {
        assertThat(codeOf(utf8("<a><b></b>"))).isEqualTo(ErrorCode.XML_MALFORMED);
        assertThat(codeOf(utf8("   "))).isEqualTo(ErrorCode.XML_MALFORMED);
        assertThat(codeOf(new byte[0])).isEqualTo(ErrorCode.XML_MALFORMED);
        assertThat(codeOf(utf8("<a/><b/>"))).isEqualTo(ErrorCode.XML_MALFORMED);
    }
}
