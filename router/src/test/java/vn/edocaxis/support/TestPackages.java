package vn.edocaxis.support;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** Generated edXML packages shaped like the real samples, for tests. */
public final class TestPackages {

    public static final String NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016";

    private TestPackages() {
    }

    /** A new-document package (BussinessDocType 0) with one small attachment. */
    public static byte[] document(String from, List<String> to, String documentId) {
        return document(from, to, documentId, "Công văn thử nghiệm".getBytes(StandardCharsets.UTF_8));
    }

    /** A new-document package whose single attachment carries {@code attachment} base64-encoded. */
    public static byte[] document(String from, List<String> to, String documentId, byte[] attachment) {
        return (head(from, to, documentId) + Base64.getEncoder().encodeToString(attachment) + TAIL)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The text before and after the attachment content, for tests that stream a huge attachment. */
    public static String head(String from, List<String> to, String documentId) {
        StringBuilder recipients = new StringBuilder();
        for (String unit : to) {
            recipients.append("<edXML:To><edXML:OrganId>").append(unit).append("</edXML:OrganId>")
                    .append("<edXML:OrganName>Đơn vị ").append(unit).append("</edXML:OrganName></edXML:To>\r\n");
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
                + "<edXML xmlns=\"" + NS + "\">\r\n"
                + "<edXML:edXMLEnvelope xmlns:edXML=\"" + NS + "\">\r\n"
                + "<edXML:edXMLHeader>\r\n"
                + "<edXML:MessageHeader>\r\n"
                + "<edXML:From><edXML:OrganId>" + from + "</edXML:OrganId><edXML:OrganName>Đơn vị gửi</edXML:OrganName>"
                + "<edXML:OrganizationInCharge>Đơn vị gửi</edXML:OrganizationInCharge><edXML:OrganAdd>Hà Nội</edXML:OrganAdd>"
                + "<edXML:Email>gui@example.gov.vn</edXML:Email><edXML:Telephone>024000000</edXML:Telephone>"
                + "<edXML:Fax>024000001</edXML:Fax><edXML:Website>example.gov.vn</edXML:Website></edXML:From>\r\n"
                + recipients
                + "<edXML:DocumentId>" + documentId + "</edXML:DocumentId>\r\n"
                + "<edXML:Code><edXML:CodeNumber>123</edXML:CodeNumber><edXML:CodeNotation>VPCP-TTĐT</edXML:CodeNotation></edXML:Code>\r\n"
                + "<edXML:PromulgationInfo><edXML:Place>Hà Nội</edXML:Place><edXML:PromulgationDate>2026/11/20</edXML:PromulgationDate></edXML:PromulgationInfo>\r\n"
                + "<edXML:DocumentType><edXML:Type>1</edXML:Type><edXML:TypeDetail>0</edXML:TypeDetail><edXML:TypeName>Công văn</edXML:TypeName></edXML:DocumentType>\r\n"
                + "<edXML:Subject>V/v thử nghiệm trục liên thông</edXML:Subject>\r\n"
                + "<edXML:Content>Nội dung thử nghiệm</edXML:Content>\r\n"
                + "<edXML:SignerInfo><edXML:Competence>KT. BỘ TRƯỞNG</edXML:Competence><edXML:Position>Thứ trưởng</edXML:Position>"
                + "<edXML:FullName>Nguyễn Văn A</edXML:FullName></edXML:SignerInfo>\r\n"
                + "<edXML:OtherInfo><edXML:Priority>0</edXML:Priority><edXML:PromulgationAmount>1</edXML:PromulgationAmount>"
                + "<edXML:PageAmount>1</edXML:PageAmount></edXML:OtherInfo>\r\n"
                + "</edXML:MessageHeader>\r\n"
                + "<edXML:TraceHeaderList><edXML:TraceHeader><edXML:OrganId>" + from + "</edXML:OrganId>"
                + "<edXML:Timestamp>2026/11/20 08:00:00</edXML:Timestamp></edXML:TraceHeader>"
                + "<edXML:Bussiness><edXML:BussinessDocType>0</edXML:BussinessDocType><edXML:BussinessDocReason>Gửi mới</edXML:BussinessDocReason>"
                + "<edXML:Paper>0</edXML:Paper></edXML:Bussiness></edXML:TraceHeaderList>\r\n"
                + "</edXML:edXMLHeader>\r\n"
                + "<edXML:edXMLBody><edXML:edXMLManifest version=\"1.0\"><edXML:Reference><edXML:ContentId>cid:1</edXML:ContentId>"
                + "<edXML:ContentType>application/zip</edXML:ContentType><edXML:Description>tep-dinh-kem.pdf</edXML:Description>"
                + "<edXML:AttachmentName>tep-dinh-kem.pdf</edXML:AttachmentName></edXML:Reference></edXML:edXMLManifest></edXML:edXMLBody>\r\n"
                + "</edXML:edXMLEnvelope>\r\n"
                + "<AttachmentEncoded><Attachment><ContentId>cid:1</ContentId><AttachmentName>tep-dinh-kem.pdf</AttachmentName>"
                + "<ContentType>application/zip</ContentType><Description>tep-dinh-kem.pdf</Description><ContentTransferEncoded>";
    }

    /**
     * A status message from {@code from} about document {@code documentId} of {@code originalSender}
     * (for code 13, {@code from} is the sender and {@code other} the recipient it asks).
     */
    public static byte[] status(String from, String other, String documentId, String code, String timestamp) {
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
                + "<edXML xmlns=\"" + NS + "\"><edXML:edXMLEnvelope xmlns:edXML=\"" + NS + "\"><edXML:edXMLHeader><edXML:MessageHeader>"
                + "<edXML:From><edXML:OrganId>" + from + "</edXML:OrganId><edXML:OrganName>Đơn vị</edXML:OrganName></edXML:From>"
                + "<edXML:ResponseFor><edXML:OrganId>" + other + "</edXML:OrganId><edXML:Code>1/TEST</edXML:Code>"
                + "<edXML:PromulgationDate>2026/11/20</edXML:PromulgationDate><edXML:DocumentId>" + documentId + "</edXML:DocumentId>"
                + "</edXML:ResponseFor><edXML:StatusCode>" + code + "</edXML:StatusCode>"
                + "<edXML:Description>Trạng thái " + code + "</edXML:Description><edXML:Timestamp>" + timestamp + "</edXML:Timestamp>"
                + "</edXML:MessageHeader></edXML:edXMLHeader></edXML:edXMLEnvelope></edXML>\r\n").getBytes(StandardCharsets.UTF_8);
    }

    public static final String TAIL = "</ContentTransferEncoded></Attachment></AttachmentEncoded>\r\n</edXML>\r\n";
}
