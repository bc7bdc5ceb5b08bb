package vn.edocaxis.edxml.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static vn.edocaxis.edxml.validation.Validation.ACCEPTANCE;
import static vn.edocaxis.edxml.validation.Validation.REJECTION;
import static vn.edocaxis.edxml.validation.Validation.REPLACEMENT;
import static vn.edocaxis.edxml.validation.Validation.REVOCATION;
import static vn.edocaxis.edxml.validation.Validation.UPDATE;
import static vn.edocaxis.edxml.validation.Validation.codes;
import static vn.edocaxis.edxml.validation.Validation.insertAfter;
import static vn.edocaxis.edxml.validation.Validation.replace;
import static vn.edocaxis.edxml.validation.Validation.replaceAll;
import static vn.edocaxis.edxml.validation.Validation.sample;
import static vn.edocaxis.edxml.validation.Validation.text;
import static vn.edocaxis.edxml.validation.Validation.validate;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.error.Violation;
import vn.edocaxis.support.Samples;

class PackageValidatorTest {

    static final List<String> DOCUMENTS = Samples.DOCUMENTS;
    static final List<String> STATUSES = Samples.STATUSES;

    private static final String FROM_ID = "<edXML:OrganId>000.00.00.G22</edXML:OrganId>";
    private static final String FIRST_TO_ID = "<edXML:OrganId>000.00.00.H41</edXML:OrganId>";
    private static final String SECOND_TO_ID = "<edXML:OrganId>000.00.00.H14</edXML:OrganId>";
    private static final String DOCUMENT_ID = "<edXML:DocumentId>000.00.00.G22,2015/09/30,7816/VPCP-TTĐT</edXML:DocumentId>";
    private static final String BUSINESS_DOCUMENT_ID = "<edXML:DocumentId>000.00.00.G22,2014/02/30,7806/VPCP-TTĐT</edXML:DocumentId>";
    private static final String SUBJECT = "<edXML:Subject>V/v kết nối, liên thông phần mềm quản lý văn bản</edXML:Subject>";
    private static final String PROMULGATION_DATE = "<edXML:PromulgationDate>2018/09/28</edXML:PromulgationDate>";
    private static final String TRACE_TIMESTAMP = "<edXML:Timestamp>2018/09/28 00:00:00</edXML:Timestamp>";
    private static final String MANIFEST_CID = "<edXML:ContentId>cid:209</edXML:ContentId>";
    private static final String ATTACHMENT_CID = "<ContentId>cid:209</ContentId>";
    private static final String BASE64_START = "QCVN_102_2016\">UEsDB";
    private static final String BASE64_END = "AAAA==</edXML:ContentTransferEncoded>";
    private static final String STATUS_CODE_02 = "<edXML:StatusCode>02</edXML:StatusCode>";
    private static final String STATUS_CODE_03 = "<edXML:StatusCode>03</edXML:StatusCode>";
    private static final String STATUS_TIMESTAMP = "<edXML:Timestamp>2015/09/20 11:08:36</edXML:Timestamp>";
    private static final String RESPONSE_FOR_DOCUMENT_ID =
            "<edXML:DocumentId>000.00.00.G22,2015/09/30,7816/VPCP-TTĐT</edXML:DocumentId>";

    // ---------------------------------------------------------------- the real samples

    @ParameterizedTest
    @FieldSource("DOCUMENTS")
    void everyDocumentSampleIsValid(String name) {
        PackageValidator v = validate(sample(name));
        assertThat(v.violations()).isEmpty();
        assertThat(v.isValid()).isTrue();
        assertThat(v.kind()).isEqualTo(PackageKind.DOCUMENT);
        assertThat(v.statusCode()).isNull();
        assertThat(v.unknownStatusCode()).isFalse();
    }

    @ParameterizedTest
    @FieldSource("STATUSES")
    void everyStatusSampleIsValid(String name) {
        PackageValidator v = validate(sample(name));
        assertThat(v.violations()).isEmpty();
        assertThat(v.kind()).isEqualTo(PackageKind.STATUS);
        assertThat(v.statusCode()).isEqualTo(name.replaceAll(".*_(\\d\\d)\\.edxml", "$1"));
        assertThat(v.unknownStatusCode()).isFalse();
    }

    @Test
    void leadingGarbageSampleFailsInTheScannerBeforeValidation() {
        PackageValidator validator = new PackageValidator();
        assertThatThrownBy(() -> validate(Samples.bytes(Samples.LEADING_GARBAGE), 8192, validator))
                .isInstanceOfSatisfying(RouterException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.XML_MALFORMED));
        assertThatThrownBy(validator::violations).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 4096})
    void resultDoesNotDependOnHowTheBytesAreSliced(int slice) {
        byte[] valid = Samples.bytes(UPDATE);
        assertThat(validate(valid, slice, new PackageValidator()).violations()).isEmpty();
        byte[] broken = replace(sample(UPDATE), BASE64_END, "AAA*==</edXML:ContentTransferEncoded>").getBytes(StandardCharsets.UTF_8);
        assertThat(codes(validate(broken, slice, new PackageValidator())))
                .containsExactly("M.AttachmentEncoded.Attachment.ContentTransferEncoded");
    }

    // ---------------------------------------------------------------- one rule, one mutation

    static Stream<Arguments> rules() {
        return Stream.of(
                // structure and namespaces
                rule("root in another namespace", UPDATE,
                        s -> replace(s, "<edXML xmlns=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\">", "<edXML xmlns=\"urn:other\">"),
                        "M.edXML"),
                rule("element in a foreign namespace", UPDATE,
                        s -> insertAfter(s, "<edXML:MessageHeader>", "<x:Extension xmlns:x=\"urn:example\"><x:a/></x:Extension>"),
                        "M.MessageHeader.Extension"),
                rule("element in no namespace", UPDATE,
                        s -> insertAfter(s, "<edXML:MessageHeader>", "<Extra xmlns=\"\">1</Extra>"),
                        "M.MessageHeader.Extra"),
                rule("unknown edXML elements are tolerated", UPDATE,
                        s -> insertAfter(s, "<edXML:MessageHeader>", "<edXML:FutureField><edXML:Nested>x</edXML:Nested></edXML:FutureField>")),
                rule("Signature in the XML-DSig namespace", UPDATE,
                        s -> replace(s, "<Signature>", "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\">")),
                rule("Signature content is not validated", UPDATE,
                        s -> insertAfter(s, "<Signature>", "<foo:Bar xmlns:foo=\"urn:x\"><OrganId>bad_code!</OrganId></foo:Bar>")),
                rule("two Signatures", UPDATE, PackageValidatorTest::duplicateSignature, "R.Signature"),
                rule("no MessageHeader", UPDATE, s -> replaceAll(s, "<edXML:MessageHeader>.*?</edXML:MessageHeader>", ""),
                        "N.MessageHeader"),
                rule("no TraceHeaderList in a document", UPDATE,
                        s -> replaceAll(s, "<edXML:TraceHeaderList>.*?</edXML:TraceHeaderList>", ""), "N.TraceHeaderList"),
                rule("body without manifest", UPDATE,
                        s -> replaceAll(s, "<edXML:edXMLManifest.*?</edXML:edXMLManifest>", ""),
                        "N.edXMLEnvelope.edXMLBody.edXMLManifest", "N.edXMLEnvelope.edXMLBody.edXMLManifest.Reference"),
                rule("no edXMLEnvelope", UPDATE, s -> replaceAll(s, "<edXML:edXMLEnvelope .*?</edXML:edXMLEnvelope>", ""),
                        "N.edXMLEnvelope", "N.edXMLEnvelope.edXMLBody.edXMLManifest.Reference"),

                // From and To
                rule("no From", UPDATE, s -> replaceAll(s, "<edXML:From>.*?</edXML:From>", ""), "N.MessageHeader.From"),
                rule("From without OrganId", UPDATE, s -> replace(s, FROM_ID, ""), "N.MessageHeader.From.OrganId"),
                rule("From OrganId empty", UPDATE, s -> replace(s, FROM_ID, "<edXML:OrganId>  </edXML:OrganId>"),
                        "N.MessageHeader.From.OrganId"),
                rule("no To", UPDATE, s -> replaceAll(s, "<edXML:To>.*?</edXML:To>", ""), "N.MessageHeader.To"),
                rule("To without OrganId", UPDATE, s -> replace(s, FIRST_TO_ID, ""), "N.MessageHeader.To.OrganId"),
                rule("the same recipient twice", UPDATE, s -> replace(s, SECOND_TO_ID, FIRST_TO_ID), "R.MessageHeader.To.OrganId"),
                rule("the same recipient twice, other case", UPDATE,
                        s -> replace(s, SECOND_TO_ID, "<edXML:OrganId>000.00.00.h41</edXML:OrganId>"), "R.MessageHeader.To.OrganId"),

                // document fields
                rule("no DocumentId", UPDATE, s -> replace(s, DOCUMENT_ID, ""), "N.MessageHeader.DocumentId"),
                rule("blank DocumentId", UPDATE, s -> replace(s, DOCUMENT_ID, "<edXML:DocumentId> </edXML:DocumentId>"),
                        "N.MessageHeader.DocumentId"),
                rule("DocumentId is opaque: an impossible date inside is fine", UPDATE,
                        s -> replace(s, DOCUMENT_ID, "<edXML:DocumentId>x,2014/02/30,1/ABC</edXML:DocumentId>")),
                rule("DocumentId as a UUID", UPDATE,
                        s -> replace(s, DOCUMENT_ID, "<edXML:DocumentId>3f1c2a7e-9b4d-4c51-8e2a-0d9f6b7a1c33</edXML:DocumentId>")),
                rule("no Code", UPDATE, s -> replaceAll(s, "<edXML:Code>.*?</edXML:Code>", ""), "N.MessageHeader.Code"),
                rule("no CodeNumber", UPDATE, s -> replace(s, "<edXML:CodeNumber>7816</edXML:CodeNumber>", ""),
                        "N.MessageHeader.Code.CodeNumber"),
                rule("no PromulgationDate", UPDATE, s -> replace(s, PROMULGATION_DATE, ""),
                        "N.MessageHeader.PromulgationInfo.PromulgationDate"),
                rule("no DocumentType", UPDATE, s -> replaceAll(s, "<edXML:DocumentType>.*?</edXML:DocumentType>", ""),
                        "N.MessageHeader.DocumentType"),
                rule("DocumentType.Type not a number", UPDATE, s -> replace(s, "<edXML:Type>1</edXML:Type>", "<edXML:Type>CV</edXML:Type>"),
                        "M.MessageHeader.DocumentType.Type"),
                rule("no Subject", UPDATE, s -> replace(s, SUBJECT, ""), "N.MessageHeader.Subject"),
                rule("blank Subject", UPDATE, s -> replace(s, SUBJECT, "<edXML:Subject>\r\n   </edXML:Subject>"),
                        "N.MessageHeader.Subject"),
                rule("two Subjects", UPDATE, s -> replace(s, SUBJECT, SUBJECT + SUBJECT), "R.MessageHeader.Subject"),
                rule("DueDate not a date", UPDATE, s -> replace(s, "<edXML:DueDate>2018/09/28</edXML:DueDate>",
                        "<edXML:DueDate>28/09/2018</edXML:DueDate>"), "T.MessageHeader.DueDate"),
                rule("Priority out of range", UPDATE, s -> replace(s, "<edXML:Priority>0</edXML:Priority>", "<edXML:Priority>5</edXML:Priority>"),
                        "R.MessageHeader.OtherInfo.Priority"),
                rule("Priority not a number", UPDATE, s -> replace(s, "<edXML:Priority>0</edXML:Priority>",
                        "<edXML:Priority>high</edXML:Priority>"), "M.MessageHeader.OtherInfo.Priority"),
                rule("Priority 4 is the highest", UPDATE, s -> replace(s, "<edXML:Priority>0</edXML:Priority>",
                        "<edXML:Priority>4</edXML:Priority>")),
                rule("PageAmount negative", UPDATE, s -> replace(s, "<edXML:PageAmount>22</edXML:PageAmount>",
                        "<edXML:PageAmount>-1</edXML:PageAmount>"), "M.MessageHeader.OtherInfo.PageAmount"),
                rule("Direction not a boolean", UPDATE, s -> replace(s, "<edXML:Direction>false</edXML:Direction>",
                        "<edXML:Direction>maybe</edXML:Direction>"), "M.MessageHeader.OtherInfo.Direction"),
                rule("ResponseFor in a document without DocumentId", REVOCATION,
                        s -> replace(s, "<edXML:DocumentId>000.00.04.G14,2012/08/06,267/VPCP-TTĐT</edXML:DocumentId>", ""),
                        "N.MessageHeader.ResponseFor.DocumentId"),
                rule("ResponseFor in a document with a bad OrganId", REVOCATION,
                        s -> replace(s, "<edXML:OrganId>000.00.00.H14</edXML:OrganId>\r\n          <edXML:Code>",
                                "<edXML:OrganId>H14/2</edXML:OrganId>\r\n          <edXML:Code>"),
                        "M.MessageHeader.ResponseFor.OrganId"),

                // trace headers and business
                rule("TraceHeader without Timestamp", UPDATE, s -> replace(s, TRACE_TIMESTAMP, ""),
                        "N.TraceHeaderList.TraceHeader.Timestamp"),
                rule("TraceHeader Timestamp hour 24", UPDATE, s -> replace(s, TRACE_TIMESTAMP,
                        "<edXML:Timestamp>2018/09/28 24:00:00</edXML:Timestamp>"), "T.TraceHeaderList.TraceHeader.Timestamp"),
                rule("TraceHeader OrganId with a bad character", UPDATE,
                        s -> replace(s, "<edXML:OrganId>000.00.00.G22</edXML:OrganId>\r\n          <edXML:Timestamp>",
                                "<edXML:OrganId>000.00.00.G-22</edXML:OrganId>\r\n          <edXML:Timestamp>"),
                        "M.TraceHeaderList.TraceHeader.OrganId"),
                rule("BussinessDocType out of range", UPDATE, s -> replace(s, "<edXML:BussinessDocType>2</edXML:BussinessDocType>",
                        "<edXML:BussinessDocType>4</edXML:BussinessDocType>"), "R.TraceHeaderList.Bussiness.BussinessDocType"),
                rule("BussinessDocType not a number", UPDATE, s -> replace(s, "<edXML:BussinessDocType>2</edXML:BussinessDocType>",
                        "<edXML:BussinessDocType>update</edXML:BussinessDocType>"), "M.TraceHeaderList.Bussiness.BussinessDocType"),
                rule("no BussinessDocType", UPDATE, s -> replace(s, "<edXML:BussinessDocType>2</edXML:BussinessDocType>", ""),
                        "N.TraceHeaderList.Bussiness.BussinessDocType"),
                rule("update without the updated DocumentId", UPDATE, s -> replace(s, BUSINESS_DOCUMENT_ID, ""),
                        "N.TraceHeaderList.Bussiness.DocumentId"),
                rule("new document (0) needs no original", UPDATE, s -> replace(replace(s, BUSINESS_DOCUMENT_ID, ""),
                        "<edXML:BussinessDocType>2</edXML:BussinessDocType>", "<edXML:BussinessDocType>0</edXML:BussinessDocType>")),
                rule("Paper out of range", UPDATE, s -> replace(s, "<edXML:Paper>0</edXML:Paper>", "<edXML:Paper>2</edXML:Paper>"),
                        "R.TraceHeaderList.Bussiness.Paper"),
                rule("Receiver with a bad OrganId", UPDATE,
                        s -> replace(s, "<edXML:OrganId>000.00.00.H41</edXML:OrganId>\r\n                <edXML:ReceiverType>",
                                "<edXML:OrganId>000,00,00,H41</edXML:OrganId>\r\n                <edXML:ReceiverType>"),
                        "M.TraceHeaderList.Bussiness.BussinessDocumentInfo.ReceiverList.Receiver.OrganId"),
                rule("replacement naming no original", REPLACEMENT,
                        s -> replaceAll(s, "<edXML:ReplacementInfoList>.*?</edXML:ReplacementInfoList>", ""),
                        "N.TraceHeaderList.Bussiness.DocumentId"),
                rule("replacement naming the original in Bussiness.DocumentId only", REPLACEMENT,
                        s -> replaceAll(s, "<edXML:ReplacementInfoList>.*?</edXML:ReplacementInfoList>",
                                "<edXML:DocumentId>000.00.00.G22,2014/01/30,7806/VPCP-TTĐT</edXML:DocumentId>")),
                rule("ReplacementInfo without DocumentId", REPLACEMENT,
                        s -> replace(s, "<edXML:DocumentId>000.00.00.G22,2014/01/30,7806/VPCP-TTĐT</edXML:DocumentId>", ""),
                        "N.TraceHeaderList.Bussiness.ReplacementInfoList.ReplacementInfo.DocumentId"),
                rule("ReplacementInfo with an empty OrganIdList", REPLACEMENT,
                        s -> replace(s, "<edXML:OrganIdList>\r\n                <edXML:OrganId>000.00.00.H41</edXML:OrganId>\r\n"
                                + "                <edXML:OrganId>000.00.00.H14</edXML:OrganId>\r\n              </edXML:OrganIdList>",
                                "<edXML:OrganIdList/>"),
                        "N.TraceHeaderList.Bussiness.ReplacementInfoList.ReplacementInfo.OrganIdList.OrganId"),
                rule("empty ReplacementInfoList", REPLACEMENT,
                        s -> replaceAll(s, "<edXML:ReplacementInfoList>.*?</edXML:ReplacementInfoList>",
                                "<edXML:DocumentId>x</edXML:DocumentId><edXML:ReplacementInfoList/>"),
                        "N.TraceHeaderList.Bussiness.ReplacementInfoList.ReplacementInfo"),

                // manifest and attachments
                rule("manifest and attachment name different ContentIds", UPDATE,
                        s -> replace(s, MANIFEST_CID, "<edXML:ContentId>cid:210</edXML:ContentId>"),
                        "N.AttachmentEncoded.Attachment", "N.edXMLEnvelope.edXMLBody.edXMLManifest.Reference"),
                rule("ContentId without cid: on one side", UPDATE, s -> replace(s, ATTACHMENT_CID, "<ContentId>209</ContentId>")),
                rule("ContentId in angle brackets on one side", UPDATE, s -> replace(s, MANIFEST_CID,
                        "<edXML:ContentId><![CDATA[cid:<209>]]></edXML:ContentId>")),
                rule("ContentId that names nothing", UPDATE, s -> replace(s, ATTACHMENT_CID, "<ContentId>cid:</ContentId>"),
                        "N.AttachmentEncoded.Attachment.ContentId", "N.AttachmentEncoded.Attachment"),
                rule("attachment without ContentId", UPDATE, s -> replace(s, ATTACHMENT_CID, ""),
                        "N.AttachmentEncoded.Attachment.ContentId", "N.AttachmentEncoded.Attachment"),
                rule("two manifest references with one ContentId", UPDATE,
                        s -> replaceAll(s, "<edXML:Reference>.*?</edXML:Reference>",
                                "<edXML:Reference>" + MANIFEST_CID + "</edXML:Reference><edXML:Reference>" + MANIFEST_CID
                                        + "</edXML:Reference>"),
                        "R.edXMLEnvelope.edXMLBody.edXMLManifest.Reference.ContentId"),
                rule("attachment without AttachmentName", UPDATE, s -> replace(s, "<AttachmentName>1896_QD-TTg_m_294779.doc</AttachmentName>", ""),
                        "N.AttachmentEncoded.Attachment.AttachmentName"),
                rule("ContentType not a media type", UPDATE, s -> replace(s, "<ContentType>application/zip</ContentType>",
                        "<ContentType>zip</ContentType>"), "M.AttachmentEncoded.Attachment.ContentType"),
                rule("attachment without content", UPDATE, s -> replaceAll(s, "<edXML:ContentTransferEncoded .*?</edXML:ContentTransferEncoded>", ""),
                        "N.AttachmentEncoded.Attachment.ContentTransferEncoded"),
                rule("attachment with empty content", UPDATE, PackageValidatorTest::emptyContent,
                        "N.AttachmentEncoded.Attachment.ContentTransferEncoded"),
                rule("base64 with a character outside the alphabet", UPDATE, s -> replace(s, BASE64_START, BASE64_START + "!"),
                        "M.AttachmentEncoded.Attachment.ContentTransferEncoded"),
                rule("base64 with the URL-safe alphabet", UPDATE, s -> replace(s, BASE64_START, "QCVN_102_2016\">UEsD-"),
                        "M.AttachmentEncoded.Attachment.ContentTransferEncoded"),
                rule("base64 with line breaks and indentation", UPDATE, s -> replace(replace(s, BASE64_START, BASE64_START + "\r\n   "),
                        BASE64_END, "AA\r\n AA==\r\n   </edXML:ContentTransferEncoded>")),
                rule("base64 truncated (padding missing)", UPDATE, s -> replace(s, BASE64_END, "AAAA=</edXML:ContentTransferEncoded>"),
                        "M.AttachmentEncoded.Attachment.ContentTransferEncoded"),
                rule("base64 with three padding characters", UPDATE, s -> replace(s, BASE64_END, "AAA===</edXML:ContentTransferEncoded>"),
                        "M.AttachmentEncoded.Attachment.ContentTransferEncoded"),
                rule("base64 data after the padding", UPDATE, s -> replace(s, BASE64_END, "AAAA==AAAA</edXML:ContentTransferEncoded>"),
                        "M.AttachmentEncoded.Attachment.ContentTransferEncoded"),
                rule("a document without attachments at all", UPDATE, s -> replaceAll(replaceAll(s,
                        "<edXML:edXMLBody>.*?</edXML:edXMLBody>", ""), "<AttachmentEncoded>.*?</AttachmentEncoded>", "")),

                // status messages
                rule("refusal without a reason", REJECTION, s -> replaceAll(s, "<edXML:Description>.*?</edXML:Description>", ""),
                        "N.MessageHeader.Description"),
                rule("acceptance without Description", ACCEPTANCE,
                        s -> replaceAll(s, "<edXML:Description>.*?</edXML:Description>", "")),
                rule("StatusCode of one digit", ACCEPTANCE, s -> replace(s, STATUS_CODE_03, "<edXML:StatusCode>3</edXML:StatusCode>"),
                        "M.MessageHeader.StatusCode"),
                rule("StatusCode of three digits", ACCEPTANCE, s -> replace(s, STATUS_CODE_03, "<edXML:StatusCode>003</edXML:StatusCode>"),
                        "M.MessageHeader.StatusCode"),
                rule("no StatusCode: ResponseFor without To is still a status", ACCEPTANCE, s -> replace(s, STATUS_CODE_03, ""),
                        "N.MessageHeader.StatusCode"),
                rule("status without Timestamp", ACCEPTANCE, s -> replace(s, STATUS_TIMESTAMP, ""), "N.MessageHeader.Timestamp"),
                rule("status Timestamp without time", ACCEPTANCE, s -> replace(s, STATUS_TIMESTAMP,
                        "<edXML:Timestamp>2015/09/20</edXML:Timestamp>"), "T.MessageHeader.Timestamp"),
                rule("status without ResponseFor", ACCEPTANCE, s -> replaceAll(s, "<edXML:ResponseFor>.*?</edXML:ResponseFor>", ""),
                        "N.MessageHeader.ResponseFor"),
                rule("status ResponseFor without DocumentId", ACCEPTANCE, s -> replace(s, RESPONSE_FOR_DOCUMENT_ID, ""),
                        "N.MessageHeader.ResponseFor.DocumentId"),
                rule("status ResponseFor without OrganId", ACCEPTANCE,
                        s -> replace(s, "<edXML:OrganId>000.00.00.G22</edXML:OrganId>", ""), "N.MessageHeader.ResponseFor.OrganId"),
                rule("status ResponseFor PromulgationDate 29 February of a common year", ACCEPTANCE,
                        s -> replace(s, "<edXML:PromulgationDate>2015/09/30</edXML:PromulgationDate>",
                                "<edXML:PromulgationDate>2015/02/29</edXML:PromulgationDate>"),
                        "T.MessageHeader.ResponseFor.PromulgationDate"),
                rule("status ResponseFor without Code and PromulgationDate", ACCEPTANCE,
                        s -> replace(replace(s, "<edXML:PromulgationDate>2015/09/30</edXML:PromulgationDate>", ""),
                                "<edXML:Code>7816/VPCP-TTĐT</edXML:Code>", "")),
                rule("status with two ResponseFor", ACCEPTANCE, s -> replaceAll(s, "<edXML:ResponseFor>.*?</edXML:ResponseFor>",
                        "<edXML:ResponseFor><edXML:OrganId>A1</edXML:OrganId><edXML:DocumentId>d1</edXML:DocumentId></edXML:ResponseFor>"
                                + "<edXML:ResponseFor><edXML:OrganId>A2</edXML:OrganId><edXML:DocumentId>d2</edXML:DocumentId></edXML:ResponseFor>"),
                        "R.MessageHeader.ResponseFor"),
                rule("status without From", ACCEPTANCE, s -> replaceAll(s, "<edXML:From>.*?</edXML:From>", ""), "N.MessageHeader.From"),
                rule("status from a legacy system id", ACCEPTANCE, s -> replace(s, "<edXML:OrganId>000.00.00.H41</edXML:OrganId>",
                        "<edXML:OrganId>vxp.saas.03</edXML:OrganId>")),
                rule("status addressed with To", ACCEPTANCE, s -> insertAfter(s, "</edXML:ResponseFor>",
                        "<edXML:To><edXML:OrganId>000.00.00.G22</edXML:OrganId></edXML:To>"), "R.MessageHeader.To"),
                rule("status carrying a body and attachments", ACCEPTANCE, PackageValidatorTest::statusWithAttachment,
                        "R.edXMLEnvelope.edXMLBody", "R.AttachmentEncoded"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void eachRuleYieldsExactlyItsCodes(String description, String sampleName, UnaryOperator<String> mutation, List<String> expected) {
        PackageValidator v = validate(mutation.apply(sample(sampleName)));
        assertThat(codes(v)).as(description + ": " + v.violations()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(v.violations()).allSatisfy(violation -> assertThat(violation.message()).isNotBlank());
    }

    private static Arguments rule(String description, String sample, UnaryOperator<String> mutation, String... codes) {
        return arguments(description, sample, mutation, List.of(codes));
    }

    private static String duplicateSignature(String s) {
        Matcher m = Pattern.compile("<Signature>.*?</Signature>", Pattern.DOTALL).matcher(s);
        assertThat(m.find()).isTrue();
        return replace(s, m.group(), m.group() + m.group());
    }

    private static String emptyContent(String s) {
        return Pattern.compile("(<edXML:ContentTransferEncoded [^>]*>)[^<]*", Pattern.DOTALL).matcher(s).replaceFirst("$1\r\n  ");
    }

    private static String statusWithAttachment(String s) {
        String update = sample(UPDATE);
        String body = update.substring(update.indexOf("<edXML:edXMLBody>"), update.indexOf("</edXML:edXMLEnvelope>"));
        String attachments = update.substring(update.indexOf("<AttachmentEncoded>"), update.indexOf("</edXML>"));
        return replace(replace(s, "</edXML:edXMLEnvelope>", body + "</edXML:edXMLEnvelope>"), "</edXML>", attachments + "</edXML>");
    }

    // ---------------------------------------------------------------- field lengths

    static Stream<Arguments> lengthLimits() {
        return Stream.of(
                arguments(UPDATE, "<edXML:OrganName>Văn phòng Chính phủ</edXML:OrganName>", 200, "MessageHeader.From.OrganName"),
                arguments(UPDATE, "<edXML:OrganizationInCharge>Văn phòng Chính phủ</edXML:OrganizationInCharge>", 200,
                        "MessageHeader.From.OrganizationInCharge"),
                arguments(UPDATE, "<edXML:OrganAdd>Số 1 Hoàng Hoa Thám, Quận Ba Đình, Hà Nội</edXML:OrganAdd>", 250,
                        "MessageHeader.From.OrganAdd"),
                arguments(UPDATE, "<edXML:Email>vpcp@gov.vn</edXML:Email>", 100, "MessageHeader.From.Email"),
                arguments(UPDATE, "<edXML:Telephone>8043100</edXML:Telephone>", 20, "MessageHeader.From.Telephone"),
                arguments(UPDATE, "<edXML:Fax>048989898789</edXML:Fax>", 20, "MessageHeader.From.Fax"),
                arguments(UPDATE, "<edXML:Website>vpcp.vn</edXML:Website>", 100, "MessageHeader.From.Website"),
                arguments(UPDATE, "<edXML:OrganName>UBND Tỉnh Nghệ An</edXML:OrganName>", 200, "MessageHeader.To.OrganName"),
                arguments(UPDATE, "<edXML:Telephone>0383 840418</edXML:Telephone>", 20, "MessageHeader.To.Telephone"),
                arguments(UPDATE, DOCUMENT_ID, 200, "MessageHeader.DocumentId"),
                arguments(UPDATE, "<edXML:CodeNumber>7816</edXML:CodeNumber>", 11, "MessageHeader.Code.CodeNumber"),
                arguments(UPDATE, "<edXML:CodeNotation>VPCP-TTĐT</edXML:CodeNotation>", 30, "MessageHeader.Code.CodeNotation"),
                arguments(UPDATE, "<edXML:Place>Hà Nội</edXML:Place>", 50, "MessageHeader.PromulgationInfo.Place"),
                arguments(UPDATE, "<edXML:TypeName>Công văn</edXML:TypeName>", 100, "MessageHeader.DocumentType.TypeName"),
                arguments(UPDATE, SUBJECT, 500, "MessageHeader.Subject"),
                arguments(UPDATE, "<edXML:Content>V/v kết nối, liên thông phần mềm quản lý văn bản</edXML:Content>", 500,
                        "MessageHeader.Content"),
                arguments(UPDATE, "<edXML:Competence>TL. BO TRUONG</edXML:Competence>", 100, "MessageHeader.SignerInfo.Competence"),
                arguments(UPDATE, "<edXML:Position>Cuc truong cuc ung dung cong nghe thong tin</edXML:Position>", 100,
                        "MessageHeader.SignerInfo.Position"),
                arguments(UPDATE, "<edXML:FullName>Nguyen Thanh Phuc</edXML:FullName>", 50, "MessageHeader.SignerInfo.FullName"),
                arguments(UPDATE, "<edXML:Place>Cac bo va co quan ngang bo</edXML:Place>", 200, "MessageHeader.ToPlaces.Place"),
                arguments(UPDATE, "<edXML:BussinessDocReason>Cập nhật văn bản điện tử</edXML:BussinessDocReason>", 500,
                        "TraceHeaderList.Bussiness.BussinessDocReason"),
                arguments(UPDATE, BUSINESS_DOCUMENT_ID, 200, "TraceHeaderList.Bussiness.DocumentId"),
                arguments(UPDATE, "<edXML:AttachmentName>1896_QD-TTg_m_294779.doc</edXML:AttachmentName>", 200,
                        "edXMLEnvelope.edXMLBody.edXMLManifest.Reference.AttachmentName"),
                arguments(UPDATE, "<AttachmentName>1896_QD-TTg_m_294779.doc</AttachmentName>", 200,
                        "AttachmentEncoded.Attachment.AttachmentName"),
                arguments(UPDATE, "<Description>1896_QD-TTg_m_294779.doc</Description>", 500,
                        "AttachmentEncoded.Attachment.Description"),
                arguments(REJECTION, "<edXML:Description>Văn thư - Phòng Văn thư - Lưu trữ: Từ chối không tiếp nhận văn bản điện tử"
                        + "</edXML:Description>", 1000, "MessageHeader.Description"),
                arguments(REJECTION, "<edXML:Department>Phong hanh chinh</edXML:Department>", 200, "MessageHeader.StaffInfo.Department"));
    }

    @ParameterizedTest(name = "{3} ≤ {2}")
    @MethodSource("lengthLimits")
    void fieldLengthsAreCappedInCodePoints(String sampleName, String element, int limit, String path) {
        String open = element.substring(0, element.indexOf('>') + 1);
        String close = element.substring(element.lastIndexOf('<'));
        String s = sample(sampleName);

        PackageValidator atLimit = validate(replace(s, element, open + text(limit) + close));
        assertThat(atLimit.violations()).isEmpty();

        String tooLong = text(limit + 1);
        PackageValidator over = validate(replace(s, element, open + "  " + tooLong + "\r\n " + close));
        assertThat(codes(over)).containsExactly("R." + path);
        int[] codePoints = tooLong.codePoints().toArray();
        String quoted = codePoints.length <= 60 ? "'" + tooLong + "'" : "'" + new String(codePoints, 0, 60) + "…'";
        assertThat(over.violations().get(0).message())
                .isEqualTo(path.substring(path.lastIndexOf('.') + 1) + " has " + (limit + 1) + " characters; at most " + limit
                        + " are allowed (found " + quoted + ")");
    }

    // ---------------------------------------------------------------- unit codes, dates, status codes

    @ParameterizedTest
    @ValueSource(strings = {"000.00.00.G22", "000.46.24.H44", "28.22.H17", "vxp.saas.03", "G22", "A",
            "0000000000000000000000000000000.G22"})
    void unitCodesOfEveryKnownSchemeAreAccepted(String code) {
        PackageValidator v = validate(replace(sample(UPDATE), FIRST_TO_ID, "<edXML:OrganId>" + code + "</edXML:OrganId>"));
        assertThat(v.violations()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"000.00.00.H4_1", "000 00 00 G22", "000.00.00.Ġ22", "000/00/00/G22", "000.00.00.G22;"})
    void unitCodesOutsideTheCharsetAreMalformed(String code) {
        PackageValidator v = validate(replace(sample(UPDATE), FIRST_TO_ID, "<edXML:OrganId>" + code + "</edXML:OrganId>"));
        assertThat(codes(v)).containsExactly("M.MessageHeader.To.OrganId");
        assertThat(v.violations().get(0).message()).contains("'" + code + "'").contains("0-9, A-Z, a-z and '.'");
    }

    @Test
    void unitCodesLongerThan35AreOutOfRange() {
        String code = "0".repeat(32) + ".G22";
        PackageValidator v = validate(replace(sample(UPDATE), FROM_ID, "<edXML:OrganId>" + code + "</edXML:OrganId>"));
        assertThat(codes(v)).containsExactly("R.MessageHeader.From.OrganId");
        assertThat(v.violations().get(0).message()).contains("36 characters").contains("35");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2018/02/30", "2018/13/01", "2018-09-28", "28/09/2018", "2018/9/28", "2018/09/28 00:00:00",
            "1899/12/31", "  /  /  ", "yesterday"})
    void promulgationDatesMustBeRealCalendarDates(String date) {
        PackageValidator v = validate(replace(sample(UPDATE), PROMULGATION_DATE,
                "<edXML:PromulgationDate>" + date + "</edXML:PromulgationDate>"));
        assertThat(codes(v)).containsExactly("T.MessageHeader.PromulgationInfo.PromulgationDate");
        assertThat(v.violations().get(0).message()).contains(date.strip());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2016/02/29", " 2018/09/28 ", "2100/12/31"})
    void realDatesAreAccepted(String date) {
        PackageValidator v = validate(replace(sample(UPDATE), PROMULGATION_DATE,
                "<edXML:PromulgationDate>" + date + "</edXML:PromulgationDate>"));
        assertThat(v.violations()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2018/09/28 24:00:00", "2018/09/28 12:60:00", "2018/09/28T00:00:00", "2018/09/31 00:00:00",
            "2018/09/28 1:02:03", "2018/09/28"})
    void timestampsMustBeRealDateTimes(String timestamp) {
        PackageValidator v = validate(replace(sample(ACCEPTANCE), STATUS_TIMESTAMP, "<edXML:Timestamp>" + timestamp + "</edXML:Timestamp>"));
        assertThat(codes(v)).containsExactly("T.MessageHeader.Timestamp");
    }

    @Test
    void unknownButWellFormedStatusCodeIsAcceptedAndFlagged() {
        PackageValidator v = validate(replace(sample(ACCEPTANCE), STATUS_CODE_03, "<edXML:StatusCode>99</edXML:StatusCode>"));
        assertThat(v.violations()).isEmpty();
        assertThat(v.kind()).isEqualTo(PackageKind.STATUS);
        assertThat(v.statusCode()).isEqualTo("99");
        assertThat(v.unknownStatusCode()).isTrue();
    }

    @Test
    void refusalSampleCarriesItsReason() {
        assertThat(sample(REJECTION)).contains(STATUS_CODE_02).containsPattern("<edXML:Description>\\S[^<]*</edXML:Description>");
        assertThat(validate(sample(REJECTION)).violations()).isEmpty();
    }

    // ---------------------------------------------------------------- collecting everything, the cap, the API

    @Test
    void manyFaultsAreAllListed() {
        String s = sample(UPDATE);
        s = replace(s, FROM_ID, "<edXML:OrganId>000.00.00.G_22</edXML:OrganId>");
        s = replace(s, SECOND_TO_ID, FIRST_TO_ID);
        s = replace(s, DOCUMENT_ID, "");
        s = replace(s, SUBJECT, "<edXML:Subject>" + "S".repeat(501) + "</edXML:Subject>");
        s = replace(s, PROMULGATION_DATE, "<edXML:PromulgationDate>2018/02/29</edXML:PromulgationDate>");
        s = replace(s, "<edXML:Priority>0</edXML:Priority>", "<edXML:Priority>9</edXML:Priority>");
        s = replace(s, TRACE_TIMESTAMP, "<edXML:Timestamp>2018/09/28</edXML:Timestamp>");
        s = replace(s, "<edXML:BussinessDocType>2</edXML:BussinessDocType>", "<edXML:BussinessDocType>x</edXML:BussinessDocType>");
        s = replace(s, MANIFEST_CID, "<edXML:ContentId>cid:1</edXML:ContentId>");
        s = replace(s, BASE64_START, BASE64_START + "#");

        PackageValidator v = validate(s);
        assertThat(codes(v)).containsExactlyInAnyOrder(
                "M.MessageHeader.From.OrganId",
                "R.MessageHeader.To.OrganId",
                "N.MessageHeader.DocumentId",
                "R.MessageHeader.Subject",
                "T.MessageHeader.PromulgationInfo.PromulgationDate",
                "R.MessageHeader.OtherInfo.Priority",
                "T.TraceHeaderList.TraceHeader.Timestamp",
                "M.TraceHeaderList.Bussiness.BussinessDocType",
                "M.AttachmentEncoded.Attachment.ContentTransferEncoded",
                "N.AttachmentEncoded.Attachment",
                "N.edXMLEnvelope.edXMLBody.edXMLManifest.Reference");
        assertThat(v.problemCount()).isEqualTo(11);
        assertThatThrownBy(v::throwIfInvalid).isInstanceOfSatisfying(RouterException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.EDXML_INVALID);
            assertThat(e.violations()).isEqualTo(v.violations());
            assertThat(e.getMessage()).isEqualTo("11 problems in the package");
        });
    }

    @Test
    void theCapBoundsTheListButNotTheCount() {
        StringBuilder recipients = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            recipients.append("<edXML:To><edXML:OrganId>bad_code_").append(i).append("</edXML:OrganId></edXML:To>");
        }
        String s = replaceAll(sample(UPDATE), "<edXML:To>.*?</edXML:To>", "");
        s = insertAfter(s, "</edXML:From>", recipients.toString());

        PackageValidator byDefault = validate(s);
        assertThat(byDefault.violations()).hasSize(PackageValidator.DEFAULT_MAX_VIOLATIONS)
                .allSatisfy(violation -> assertThat(violation.code()).isEqualTo("M.MessageHeader.To.OrganId"));
        assertThat(byDefault.problemCount()).isEqualTo(200);
        assertThatThrownBy(byDefault::throwIfInvalid).isInstanceOfSatisfying(RouterException.class, e -> {
            assertThat(e.violations()).hasSize(50);
            assertThat(e.getMessage()).isEqualTo("200 problems in the package (the first 50 are listed)");
        });

        PackageValidator capped = validate(s.getBytes(StandardCharsets.UTF_8), 8192, new PackageValidator(3));
        assertThat(capped.violations()).extracting(Violation::message)
                .containsExactly(byDefault.violations().subList(0, 3).stream().map(Violation::message).toArray(String[]::new));
        assertThat(capped.problemCount()).isEqualTo(200);
    }

    @Test
    void aValidPackageDoesNotThrowAndASingleProblemIsItsOwnMessage() {
        validate(sample(UPDATE)).throwIfInvalid();

        PackageValidator v = validate(replace(sample(UPDATE), FIRST_TO_ID, ""));
        assertThatThrownBy(v::throwIfInvalid).isInstanceOfSatisfying(RouterException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.EDXML_INVALID);
            assertThat(e.violations()).extracting(Violation::code).containsExactly("N.MessageHeader.To.OrganId");
            assertThat(e.getMessage()).isEqualTo(e.violations().get(0).message()).isEqualTo("To has no OrganId; it is required");
        });
    }

    @Test
    void resultsAreOnlyAvailableAfterTheEnd() {
        PackageValidator v = new PackageValidator();
        assertThatThrownBy(v::violations).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(v::throwIfInvalid).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(v::kind).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new PackageValidator(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWrongRootIsReportedAloneAndTakenAsADocument() {
        PackageValidator v = validate("<html><edXMLEnvelope/></html>");
        assertThat(codes(v)).containsExactly("M.edXML");
        assertThat(v.violations().get(0).message()).contains("found html (no namespace)");
        assertThat(v.kind()).isEqualTo(PackageKind.DOCUMENT);
    }

    @Test
    void messagesQuoteTheOffendingValue() {
        PackageValidator v = validate(replace(sample(UPDATE), "<edXML:Priority>0</edXML:Priority>", "<edXML:Priority>7</edXML:Priority>"));
        assertThat(v.violations()).extracting(Violation::message).containsExactly("Priority is 7; expected 0 to 4");

        v = validate(replace(sample(UPDATE), BASE64_START, BASE64_START + "!"));
        assertThat(v.violations()).extracting(Violation::message).containsExactly(
                "ContentTransferEncoded: '!' (U+0021) at character 6 is not base64; expected A-Z a-z 0-9 + / with = padding");

        v = validate(replace(sample(UPDATE), MANIFEST_CID, "<edXML:ContentId>cid:210</edXML:ContentId>"));
        assertThat(v.violations()).extracting(Violation::message).containsExactly(
                "the manifest lists ContentId '210' but no AttachmentEncoded/Attachment has that ContentId",
                "attachment '209' is not listed in edXMLManifest (no Reference with that ContentId)");
    }
}
