package vn.edocaxis.loadtest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * edXML packages for the load tests, shaped like the real SDK samples (DOMAIN.md sections 4 and
 * 5): documents with one base64 attachment padded so that the whole package has the wanted size,
 * and status messages answering a document ({@code ResponseFor} + {@code StatusCode}). Unsigned:
 * the seeded systems verify signatures only when present.
 */
final class Packages {

    static final String NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016";
    static final String CODE_NUMBER = "123";
    static final String CODE_NOTATION = "UBTVQH-TTr";
    static final String PROMULGATION_DATE = "2026/11/20";

    /** Base64 of random bytes, long enough for the largest package; every attachment is a prefix of it. */
    private static final byte[] BASE64_POOL;

    static {
        byte[] raw = new byte[8 * 1024 * 1024];
        new SplittableRandom(7).nextBytes(raw);
        BASE64_POOL = Base64.getEncoder().encode(raw);
    }

    private Packages() {
    }

    /** A new document (BussinessDocType 0) from {@code from} to {@code to}, about {@code targetSize} bytes long. */
    static byte[] document(String from, List<String> to, String documentId, String timestamp, int targetSize) {
        StringBuilder h = new StringBuilder(512 + to.size() * 96);
        h.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n")
                .append("<edXML xmlns=\"").append(NS).append("\">\r\n")
                .append("<edXML:edXMLEnvelope xmlns:edXML=\"").append(NS).append("\">\r\n<edXML:edXMLHeader>\r\n<edXML:MessageHeader>\r\n");
        organ(h, "From", from, "Văn phòng Quốc hội");
        for (String unit : to) {
            h.append("<edXML:To><edXML:OrganId>").append(unit).append("</edXML:OrganId><edXML:OrganName>Đơn vị ").append(unit)
                    .append("</edXML:OrganName></edXML:To>\r\n");
        }
        h.append("<edXML:DocumentId>").append(documentId).append("</edXML:DocumentId>\r\n")
                .append("<edXML:Code><edXML:CodeNumber>").append(CODE_NUMBER).append("</edXML:CodeNumber><edXML:CodeNotation>")
                .append(CODE_NOTATION).append("</edXML:CodeNotation></edXML:Code>\r\n")
                .append("<edXML:PromulgationInfo><edXML:Place>Hà Nội</edXML:Place><edXML:PromulgationDate>").append(PROMULGATION_DATE)
                .append("</edXML:PromulgationDate></edXML:PromulgationInfo>\r\n")
                .append("<edXML:DocumentType><edXML:Type>1</edXML:Type><edXML:TypeDetail>0</edXML:TypeDetail>")
                .append("<edXML:TypeName>Tờ trình</edXML:TypeName></edXML:DocumentType>\r\n")
                .append("<edXML:Subject>Tài liệu phục vụ kỳ họp Quốc hội (thử tải)</edXML:Subject>\r\n")
                .append("<edXML:Content>Kính gửi các cơ quan, đơn vị tài liệu phiên họp.</edXML:Content>\r\n")
                .append("<edXML:SignerInfo><edXML:Competence>TL. CHỦ NHIỆM</edXML:Competence><edXML:Position>Vụ trưởng</edXML:Position>")
                .append("<edXML:FullName>Nguyễn Văn A</edXML:FullName></edXML:SignerInfo>\r\n")
                .append("<edXML:OtherInfo><edXML:Priority>2</edXML:Priority><edXML:PromulgationAmount>1</edXML:PromulgationAmount>")
                .append("<edXML:PageAmount>3</edXML:PageAmount></edXML:OtherInfo>\r\n")
                .append("</edXML:MessageHeader>\r\n")
                .append("<edXML:TraceHeaderList><edXML:TraceHeader><edXML:OrganId>").append(from).append("</edXML:OrganId><edXML:Timestamp>")
                .append(timestamp).append("</edXML:Timestamp></edXML:TraceHeader>")
                .append("<edXML:Bussiness><edXML:BussinessDocType>0</edXML:BussinessDocType>")
                .append("<edXML:BussinessDocReason>Gửi mới</edXML:BussinessDocReason><edXML:Paper>0</edXML:Paper></edXML:Bussiness>")
                .append("</edXML:TraceHeaderList>\r\n</edXML:edXMLHeader>\r\n")
                .append("<edXML:edXMLBody><edXML:edXMLManifest version=\"1.0\"><edXML:Reference><edXML:ContentId>cid:1</edXML:ContentId>")
                .append("<edXML:ContentType>application/zip</edXML:ContentType><edXML:Description>to-trinh.pdf</edXML:Description>")
                .append("<edXML:AttachmentName>to-trinh.pdf</edXML:AttachmentName></edXML:Reference></edXML:edXMLManifest>")
                .append("</edXML:edXMLBody>\r\n</edXML:edXMLEnvelope>\r\n")
                .append("<AttachmentEncoded><Attachment><ContentId>cid:1</ContentId><AttachmentName>to-trinh.pdf</AttachmentName>")
                .append("<ContentType>application/zip</ContentType><Description>to-trinh.pdf</Description><ContentTransferEncoded>");
        byte[] head = h.toString().getBytes(StandardCharsets.UTF_8);
        byte[] tail = "</ContentTransferEncoded></Attachment></AttachmentEncoded>\r\n</edXML>\r\n".getBytes(StandardCharsets.UTF_8);
        int base64 = Math.max(4, (targetSize - head.length - tail.length) / 4 * 4);
        base64 = Math.min(base64, BASE64_POOL.length / 4 * 4);
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + base64 + tail.length);
        out.write(head, 0, head.length);
        out.write(BASE64_POOL, 0, base64);
        out.write(tail, 0, tail.length);
        return out.toByteArray();
    }

    /** A status message from {@code from} (a recipient) about the document {@code documentId} sent by {@code originalSender}. */
    static byte[] status(String from, String originalSender, String documentId, String statusCode, String timestamp) {
        StringBuilder h = new StringBuilder(1200);
        h.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n")
                .append("<edXML xmlns=\"").append(NS).append("\">\r\n")
                .append("<edXML:edXMLEnvelope xmlns:edXML=\"").append(NS).append("\">\r\n<edXML:edXMLHeader>\r\n<edXML:MessageHeader>\r\n");
        organ(h, "From", from, "Đơn vị nhận " + from);
        h.append("<edXML:ResponseFor><edXML:OrganId>").append(originalSender).append("</edXML:OrganId><edXML:Code>")
                .append(CODE_NUMBER).append('/').append(CODE_NOTATION).append("</edXML:Code><edXML:PromulgationDate>")
                .append(PROMULGATION_DATE).append("</edXML:PromulgationDate><edXML:DocumentId>").append(documentId)
                .append("</edXML:DocumentId></edXML:ResponseFor>\r\n")
                .append("<edXML:StaffInfo><edXML:Department>Văn thư</edXML:Department><edXML:Staff>Trần Thị B</edXML:Staff>")
                .append("<edXML:Mobile>84912000001</edXML:Mobile><edXML:Email>vanthu@example.gov.vn</edXML:Email></edXML:StaffInfo>\r\n")
                .append("<edXML:StatusCode>").append(statusCode).append("</edXML:StatusCode>\r\n")
                .append("<edXML:Description>").append(describe(statusCode)).append("</edXML:Description>\r\n")
                .append("<edXML:Timestamp>").append(timestamp).append("</edXML:Timestamp>\r\n")
                .append("</edXML:MessageHeader>\r\n</edXML:edXMLHeader>\r\n</edXML:edXMLEnvelope>\r\n</edXML>\r\n");
        return h.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String describe(String code) {
        return switch (code) {
            case "01" -> "Đã đến hệ thống của đơn vị nhận";
            case "03" -> "Văn thư: tiếp nhận văn bản điện tử, vào sổ văn bản đến";
            case "05" -> "Đang xử lý";
            case "06" -> "Hoàn thành xử lý";
            default -> "Trạng thái " + code;
        };
    }

    private static void organ(StringBuilder h, String element, String unit, String name) {
        h.append("<edXML:").append(element).append("><edXML:OrganId>").append(unit).append("</edXML:OrganId><edXML:OrganName>")
                .append(name).append("</edXML:OrganName><edXML:OrganizationInCharge>").append(name)
                .append("</edXML:OrganizationInCharge><edXML:OrganAdd>Hà Nội</edXML:OrganAdd><edXML:Email>vanthu@example.gov.vn</edXML:Email>")
                .append("<edXML:Telephone>024000000</edXML:Telephone><edXML:Fax>024000001</edXML:Fax>")
                .append("<edXML:Website>example.gov.vn</edXML:Website></edXML:").append(element).append(">\r\n");
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
