package vn.edocaxis.edxml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.error.Violation;
import vn.edocaxis.support.Samples;

class EnvelopeReaderTest {

    static final List<String> STATUSES = Samples.STATUSES;

    static PackageHeader read(byte[] bytes) {
        EnvelopeReader envelope = new EnvelopeReader();
        PackageScanner scanner = new PackageScanner(XmlLimits.DEFAULT, List.of(envelope));
        for (int off = 0; off < bytes.length; off += 8192) {
            scanner.feed(bytes, off, Math.min(8192, bytes.length - off));
        }
        scanner.end();
        return envelope.header();
    }

    @Test
    void readsTheUpdateSample() {
        PackageHeader header = read(Samples.bytes("edoc_update.edxml"));
        assertThat(header.kind()).isEqualTo(PackageKind.DOCUMENT);
        assertThat(header.fromOrganId()).isEqualTo("000.00.00.G22");
        assertThat(header.toOrganIds()).containsExactly("000.00.00.H41", "000.00.00.H14", "000.00.00.G17");
        assertThat(header.documentId()).isEqualTo("000.00.00.G22,2015/09/30,7816/VPCP-TTĐT");
        assertThat(header.businessDocType()).isEqualTo("2");
        assertThat(header.businessDocumentId()).isEqualTo("000.00.00.G22,2014/02/30,7806/VPCP-TTĐT");
        assertThat(header.subject()).isEqualTo("V/v kết nối, liên thông phần mềm quản lý văn bản");
    }

    @Test
    void everyDocumentSampleIsADocument() {
        for (String name : Samples.DOCUMENTS) {
            PackageHeader header = read(Samples.bytes(name));
            assertThat(header.kind()).as(name).isEqualTo(PackageKind.DOCUMENT);
            assertThat(header.toOrganIds()).as(name).isNotEmpty();
        }
    }

    @ParameterizedTest
    @FieldSource("STATUSES")
    void statusSamplesAreStatusMessages(String name) {
        PackageHeader header = read(Samples.bytes(name));
        assertThat(header.kind()).isEqualTo(PackageKind.STATUS);
        // 13 (take back) comes from the sender; every other code from the recipient
        assertThat(header.fromOrganId()).isEqualTo(name.contains("_13") ? "000.00.00.G22" : "000.00.00.H41");
        assertThat(header.responseForDocumentId()).isEqualTo("000.00.00.G22,2015/09/30,7816/VPCP-TTĐT");
        assertThat(header.statusCode()).matches("\\d\\d");
        assertThat(header.toOrganIds()).isEmpty();
    }

    @Test
    void leadingGarbageSampleIsMalformed() {
        assertThatThrownBy(() -> read(Samples.bytes(Samples.LEADING_GARBAGE)))
                .isInstanceOfSatisfying(RouterException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.XML_MALFORMED));
    }

    @Test
    void missingFieldsAreAllReportedWithTheirPaths() {
        String doc = "<edXML xmlns='http://www.mic.gov.vn/TBT/QCVN_102_2016'><edXMLEnvelope><edXMLHeader><MessageHeader>"
                + "<From><OrganName>x</OrganName></From><To><OrganName>y</OrganName></To>"
                + "</MessageHeader></edXMLHeader></edXMLEnvelope></edXML>";
        assertThatThrownBy(() -> read(doc.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(RouterException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.EDXML_INVALID);
                    assertThat(e.violations()).extracting(Violation::code).containsExactlyInAnyOrder(
                            "N.MessageHeader.From.OrganId", "N.MessageHeader.To.OrganId", "N.MessageHeader.DocumentId");
                });
    }

    @Test
    void wrongRootIsReported() {
        assertThatThrownBy(() -> read("<html><body/></html>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(RouterException.class, e ->
                        assertThat(e.violations()).extracting(Violation::code).contains("M.edXML"));
    }

    @Test
    void oversizedIdIsARangeError() {
        String doc = "<edXML><edXMLEnvelope><edXMLHeader><MessageHeader><From><OrganId>" + "9".repeat(5000)
                + "</OrganId></From><To><OrganId>a</OrganId></To><DocumentId>d</DocumentId>"
                + "</MessageHeader></edXMLHeader></edXMLEnvelope></edXML>";
        assertThatThrownBy(() -> read(doc.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(RouterException.class, e ->
                        assertThat(e.violations()).extracting(Violation::code)
                                .contains("R.MessageHeader.From.OrganId", "N.MessageHeader.From.OrganId"));
    }
}
