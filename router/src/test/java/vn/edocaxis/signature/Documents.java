package vn.edocaxis.signature;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import vn.edocaxis.support.Samples;

/**
 * edXML packages to sign, each holding the marker {@value #MARK} where the Signature goes
 * (inside edXMLHeader, after TraceHeaderList).
 */
final class Documents {

    static final String MARK = "@@SIGNATURE-ELEMENT@@";
    static final String EDXML = "http://www.mic.gov.vn/TBT/QCVN_102_2016";

    private Documents() {
    }

    /**
     * The sample layout (edXML default namespace on the root, edXML: prefix below) loaded with what
     * canonicalisation must get right: declarations at several depths, default namespace changes
     * and undeclaration, a prefix redeclared with the same and with another value, attributes in
     * several namespaces and xml:lang, comments and PIs in and out of the root, CRLF line ends,
     * character references (CR, tab, a supplementary character), CDATA, Vietnamese text and
     * names, whitespace outside the root.
     */
    static String rich() {
        return String.join("\r\n",
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>",
                "<?xml-stylesheet type=\"text/xsl\" href=\"edxml.xsl\"?>",
                "<!-- phát hành bởi hệ thống QLVB -->",
                "<edXML xmlns=\"" + EDXML + "\" xmlns:x=\"urn:x\" xml:lang=\"vi\" x:ver=\"2\">",
                "  <edXML:edXMLEnvelope xmlns:edXML=\"" + EDXML + "\" xmlns:unused=\"urn:unused\">",
                "    <edXML:edXMLHeader xmlns:y=\"urn:y\" y:flag=\"1\" x:b=\"2\" a=\"3\" xml:space=\"preserve\">",
                "      <edXML:MessageHeader>",
                "        <edXML:From>",
                "          <edXML:OrganId>000.00.00.G22</edXML:OrganId>",
                "          <edXML:OrganName>Văn phòng Chính phủ</edXML:OrganName>",
                "        </edXML:From>",
                "        <edXML:DocumentId>000.00.00.G22,2015/09/30,7816/VPCP-TTĐT</edXML:DocumentId>",
                "        <edXML:Subject>V/v kết nối&#13;&#10;liên thông &amp; &lt;b&gt; \"q\" 'a' &#x1F600; tab&#9;end ]]&gt;</edXML:Subject>",
                "        <edXML:Content><![CDATA[<p>CDATA & \"quotes\" ]]]]><![CDATA[>\r\nline</p>]]></edXML:Content>",
                "        <Other xmlns=\"urn:other\"><Inner xmlns=\"\">no namespace<Again xmlns=\"\">superfluous undeclaration</Again><Deep xmlns=\"urn:deep\" xmlns:x=\"urn:x2\" x:attr=\"v\"><Back xmlns=\"urn:other\"/></Deep></Inner></Other>",
                "        <x:Item x:id=\"1\" id=\"2\" xmlns:x=\"urn:x\" xmlns:z=\"urn:z\">redeclared, same value</x:Item>",
                "        <edXML:Empty/><edXML:Empty2></edXML:Empty2>",
                "        <edXML:Attr zeta=\"z\" alpha=\"a&#9;b&#10;c&#13;d &amp; &lt; &gt; &quot; '\" y:w=\"ý kiến\" x:w=\"2\" xml:lang=\"en\"/>",
                "        <edXML:Tên_đơn_vị giá_trị=\"Sở Thông tin và Truyền thông\">Ủy ban nhân dân tỉnh Nghệ An 😀𝄞</edXML:Tên_đơn_vị>",
                "        <edXML:Note literal=\"line one\r\n\tline two  end\" emoji=\"😀\">\ttabbed\r\r\n text</edXML:Note>",
                "        <?edxml-pi inside the header?>",
                "        <!-- a comment in the header -->",
                "      </edXML:MessageHeader>",
                "      <edXML:TraceHeaderList>",
                "        <edXML:TraceHeader>",
                "          <edXML:OrganId>000.00.00.G22</edXML:OrganId>",
                "          <edXML:Timestamp>2018/09/28 00:00:00</edXML:Timestamp>",
                "        </edXML:TraceHeader>",
                "      </edXML:TraceHeaderList>",
                "      " + MARK,
                "    </edXML:edXMLHeader>",
                "    <edXML:edXMLBody>",
                "      <edXML:edXMLManifest version=\"1.0\">",
                "        <edXML:Reference>",
                "          <edXML:ContentId>cid:209</edXML:ContentId>",
                "          <edXML:AttachmentName>Công văn số 7816.doc</edXML:AttachmentName>",
                "        </edXML:Reference>",
                "      </edXML:edXMLManifest>",
                "      <!-- a comment in the body --><?body-pi x=\"1\"?>",
                "    </edXML:edXMLBody>",
                "  </edXML:edXMLEnvelope>",
                "  <AttachmentEncoded>",
                "    <Attachment>",
                "      <ContentId>cid:209</ContentId>",
                "      <edXML:ContentTransferEncoded xmlns:edXML=\"" + EDXML + "\">" + base64(3000, 7) + "</edXML:ContentTransferEncoded>",
                "    </Attachment>",
                "  </AttachmentEncoded>",
                "</edXML>",
                "<!-- trailing comment -->  <?trailing-pi data?>",
                "   ");
    }

    /**
     * Every element prefixed, no default namespace until deep inside; the Signature then sits in
     * no namespace when unqualified. Uses LF line ends and single-quoted attributes.
     */
    static String prefixed() {
        return String.join("\n",
                "<?xml version='1.0' encoding='UTF-8'?>",
                "<e:edXML xmlns:e='" + EDXML + "' xmlns:b='urn:b' xmlns:a='urn:a'>",
                "<e:edXMLEnvelope b:x='1' a:x='2'>",
                "<e:edXMLHeader xml:lang='vi-VN' xmlns:ds='http://www.w3.org/2000/09/xmldsig#'>",
                "<e:MessageHeader><e:Subject>Quyết định &#8220;khẩn&#8221; &#xD;</e:Subject>"
                        + "<d xmlns='urn:default'><e xmlns='urn:default'>same default</e><f xmlns=''>none</f></d><g xmlns=''>no default to undeclare</g>"
                        + "<e:Redeclared xmlns:e='urn:changed'><e:Inside/></e:Redeclared></e:MessageHeader>",
                "<e:TraceHeaderList><e:TraceHeader><e:OrganId>28.22.H17</e:OrganId></e:TraceHeader></e:TraceHeaderList>",
                MARK,
                "</e:edXMLHeader>",
                "<e:edXMLBody><e:edXMLManifest/></e:edXMLBody>",
                "</e:edXMLEnvelope>",
                "<e:AttachmentEncoded><e:Attachment><e:ContentTransferEncoded>" + base64(500, 3)
                        + "</e:ContentTransferEncoded></e:Attachment></e:AttachmentEncoded>",
                "</e:edXML>");
    }

    /** A small document without frills, for the algorithm matrix and tampering. */
    static String plain(int attachmentChars) {
        return String.join("\n",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                "<edXML xmlns=\"" + EDXML + "\">",
                "  <edXML:edXMLEnvelope xmlns:edXML=\"" + EDXML + "\">",
                "    <edXML:edXMLHeader>",
                "      <edXML:MessageHeader>",
                "        <edXML:From><edXML:OrganId>000.00.00.G22</edXML:OrganId></edXML:From>",
                "        <edXML:To><edXML:OrganId>000.00.00.H41</edXML:OrganId></edXML:To>",
                "        <edXML:Subject>V/v kết nối, liên thông phần mềm quản lý văn bản</edXML:Subject>",
                "      </edXML:MessageHeader>",
                "      <edXML:TraceHeaderList><edXML:TraceHeader><edXML:OrganId>000.00.00.G22</edXML:OrganId>"
                        + "<edXML:Timestamp>2018/09/28 00:00:00</edXML:Timestamp></edXML:TraceHeader></edXML:TraceHeaderList>",
                "      " + MARK,
                "    </edXML:edXMLHeader>",
                "    <edXML:edXMLBody><edXML:edXMLManifest version=\"1.0\"><edXML:Reference><edXML:ContentId>cid:1</edXML:ContentId>"
                        + "</edXML:Reference></edXML:edXMLManifest></edXML:edXMLBody>",
                "  </edXML:edXMLEnvelope>",
                "  <AttachmentEncoded>",
                "    <Attachment>",
                "      <ContentId>cid:1</ContentId>",
                "      <ContentTransferEncoded>" + base64(attachmentChars, 1) + "</ContentTransferEncoded>",
                "    </Attachment>",
                "  </AttachmentEncoded>",
                "</edXML>",
                "");
    }

    /**
     * The real sample packages with the marker where their Signature is (document samples: their
     * placeholder Signature is replaced) or would be (status samples: end of edXMLHeader). The
     * malformed sample is included with its four stray leading bytes removed.
     */
    static Map<String, String> samples() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : Samples.DOCUMENTS) {
            out.put(name, sample(name));
        }
        out.put(Samples.LEADING_GARBAGE + " (stray bytes removed)", sample(Samples.LEADING_GARBAGE));
        for (String name : Samples.STATUSES) {
            out.put(name, sample(name));
        }
        return out;
    }

    static String sample(String name) {
        String text = new String(Samples.bytes(name), StandardCharsets.UTF_8);
        int xml = text.indexOf("<?xml");
        if (xml > 0) {
            text = text.substring(xml);
        }
        if (text.contains("<Signature>")) {
            return text.replaceFirst("(?s)<Signature>.*?</Signature>", MARK);
        }
        return text.replace("</edXML:edXMLHeader>", "  " + MARK + "\r\n    </edXML:edXMLHeader>");
    }

    static String base64(int chars, long seed) {
        Random random = new Random(seed);
        char[] alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();
        char[] out = new char[chars];
        for (int i = 0; i < chars; i++) {
            out[i] = alphabet[random.nextInt(64)];
        }
        return new String(out);
    }
}
