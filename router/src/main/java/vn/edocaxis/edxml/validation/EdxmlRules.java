package vn.edocaxis.edxml.validation;

import static vn.edocaxis.edxml.validation.ElementRule.container;
import static vn.edocaxis.edxml.validation.ElementRule.integer;
import static vn.edocaxis.edxml.validation.ElementRule.text;
import static vn.edocaxis.edxml.validation.ElementRule.value;

import vn.edocaxis.edxml.validation.ElementRule.Hook;

/**
 * The known edXML elements as a tree of {@link ElementRule}s. Cardinalities default to optional
 * (0..1); the table in {@link PackageValidator}'s Javadoc explains each choice.
 */
final class EdxmlRules {

    static final String NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016";
    static final String XMLDSIG_NAMESPACE = "http://www.w3.org/2000/09/xmldsig#";

    /** Most recipients in one package: a nationwide fan-out stays far below it, and it bounds the duplicate set. */
    static final int MAX_RECIPIENTS = 20_000;
    /** Most attachments (and manifest references) in one package; bounds the ContentId sets. */
    static final int MAX_ATTACHMENTS = 1_000;
    /** Most entries in the other repeated lists (trace headers, places, appendixes, replacements). */
    static final int MAX_LIST = 1_000;

    static final ElementRule ROOT = root();

    private EdxmlRules() {
    }

    private static ElementRule organ(String name) {
        return container(name,
                value("OrganId", ValueKind.UNIT_CODE).required(),
                text("OrganizationInCharge", 200),
                text("OrganName", 200),
                text("OrganAdd", 250),
                text("Email", 100),
                text("Telephone", 20),
                text("Fax", 20),
                text("Website", 100));
    }

    private static ElementRule staffInfo() {
        return container("StaffInfo",
                text("Department", 200),
                text("Staff", 100),
                text("Mobile", 20),
                text("Email", 100));
    }

    private static ElementRule root() {
        ElementRule to = organ("To").occurs(1, MAX_RECIPIENTS, 0, 0);
        to.children[to.childIndex("OrganId")].hook(Hook.TO_ORGAN_ID);

        ElementRule messageHeader = container("MessageHeader",
                organ("From").required(),
                to,
                value("DocumentId", ValueKind.DOCUMENT_ID).occurs(1, 1, 0, 1),
                container("Code",
                        text("CodeNumber", 11).required(),
                        text("CodeNotation", 30).required()).occurs(1, 1, 0, 1),
                container("PromulgationInfo",
                        text("Place", 50),
                        value("PromulgationDate", ValueKind.DATE).required()).occurs(1, 1, 0, 1),
                container("DocumentType",
                        integer("Type", 0, 999).required(),
                        integer("TypeDetail", 0, 999),
                        text("TypeName", 100)).occurs(1, 1, 0, 1),
                text("Subject", 500).occurs(1, 1, 0, 1),
                text("Content", 500),
                container("SignerInfo",
                        text("Competence", 100),
                        text("Position", 100),
                        text("FullName", 50)),
                value("DueDate", ValueKind.DATE),
                container("ToPlaces",
                        text("Place", 200).repeated(0, MAX_LIST)),
                container("OtherInfo",
                        integer("Priority", 0, 4),
                        text("SphereOfPromulgation", 100),
                        text("TyperNotation", 50),
                        integer("PromulgationAmount", 0, 999_999),
                        integer("PageAmount", 0, 999_999),
                        value("Direction", ValueKind.BOOLEAN),
                        container("Appendixes",
                                text("Appendix", 500).repeated(0, MAX_LIST))),
                container("ResponseFor",
                        value("OrganId", ValueKind.UNIT_CODE).required(),
                        text("Code", 100),
                        value("PromulgationDate", ValueKind.DATE),
                        value("DocumentId", ValueKind.DOCUMENT_ID).required()).occurs(0, MAX_LIST, 1, 1),
                integer("SteeringType", 0, 99),
                staffInfo(),
                value("StatusCode", ValueKind.STATUS_CODE).occurs(0, 1, 1, 1).hook(Hook.STATUS_CODE),
                text("Description", 1000),
                value("Timestamp", ValueKind.TIMESTAMP).occurs(0, 1, 1, 1))
                .required().hook(Hook.MESSAGE_HEADER);

        ElementRule traceHeaderList = container("TraceHeaderList",
                container("TraceHeader",
                        value("OrganId", ValueKind.UNIT_CODE).required(),
                        value("Timestamp", ValueKind.TIMESTAMP).required()).repeated(0, MAX_LIST),
                container("Bussiness",
                        integer("BussinessDocType", 0, 3).required().hook(Hook.BUSINESS_DOC_TYPE),
                        text("BussinessDocReason", 500),
                        value("DocumentId", ValueKind.DOCUMENT_ID),
                        integer("Paper", 0, 1),
                        staffInfo(),
                        container("BussinessDocumentInfo",
                                integer("DocumentInfo", 0, 99),
                                integer("DocumentReceiver", 0, 99),
                                container("ReceiverList",
                                        container("Receiver",
                                                value("OrganId", ValueKind.UNIT_CODE).required(),
                                                integer("ReceiverType", 0, 99)).repeated(0, MAX_RECIPIENTS))),
                        container("ReplacementInfoList",
                                container("ReplacementInfo",
                                        value("DocumentId", ValueKind.DOCUMENT_ID).required(),
                                        container("OrganIdList",
                                                value("OrganId", ValueKind.UNIT_CODE).repeated(1, MAX_RECIPIENTS)).required())
                                        .repeated(1, MAX_LIST).hook(Hook.REPLACEMENT_INFO)))
                        .hook(Hook.BUSINESS))
                .occurs(1, 1, 0, 1);

        ElementRule header = container("edXMLHeader",
                messageHeader,
                traceHeaderList,
                container("Signature").hook(Hook.SIGNATURE)).required().hook(Hook.EDXML_HEADER);

        ElementRule body = container("edXMLBody",
                container("edXMLManifest",
                        container("Reference",
                                value("ContentId", ValueKind.CONTENT_ID).required().hook(Hook.REFERENCE_CONTENT_ID),
                                value("ContentType", ValueKind.CONTENT_TYPE),
                                text("Description", 500),
                                text("AttachmentName", 200)).repeated(0, MAX_ATTACHMENTS)).required())
                .occurs(0, 1, 0, 0);

        ElementRule attachments = container("AttachmentEncoded",
                container("Attachment",
                        value("ContentId", ValueKind.CONTENT_ID).required().hook(Hook.ATTACHMENT_CONTENT_ID),
                        text("AttachmentName", 200).required(),
                        text("Description", 500),
                        value("ContentType", ValueKind.CONTENT_TYPE),
                        value("ContentTransferEncoded", ValueKind.BASE64).required()).repeated(0, MAX_ATTACHMENTS))
                .occurs(0, 1, 0, 0);

        return container("edXML",
                container("edXMLEnvelope", header, body).required(),
                attachments).required();
    }

    /** Whether {@code ns} is one a header {@code Signature} may carry: XML-DSig, or edXML/none as existing clients write it. */
    static boolean isSignatureNamespace(String ns) {
        return ns == null || ns.isEmpty() || ns.equals(XMLDSIG_NAMESPACE) || ns.equals(NAMESPACE);
    }
}
