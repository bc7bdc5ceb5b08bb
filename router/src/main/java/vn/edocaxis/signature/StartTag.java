package vn.edocaxis.signature;

import javax.xml.stream.XMLStreamReader;

/**
 * What the canonicaliser needs from a start tag, whether it comes live from the parser or is
 * replayed from an {@link EventLog}. Absent prefixes and namespaces are empty strings, never null.
 */
interface StartTag {

    String prefix();

    String localName();

    String namespaceUri();

    /** Namespace declarations written on this element. */
    int namespaceCount();

    /** The declared prefix, empty for the default namespace. */
    String namespacePrefix(int i);

    /** The declared namespace, empty for an undeclaration ({@code xmlns=""}). */
    String namespaceUri(int i);

    int attributeCount();

    String attributePrefix(int i);

    String attributeLocalName(int i);

    String attributeNamespace(int i);

    String attributeValue(int i);

    /** The start tag the parser is positioned on; reused for every event. */
    final class Live implements StartTag {
        private XMLStreamReader reader;

        Live on(XMLStreamReader current) {
            this.reader = current;
            return this;
        }

        private static String nz(String s) {
            return s == null ? "" : s;
        }

        @Override
        public String prefix() {
            return nz(reader.getPrefix());
        }

        @Override
        public String localName() {
            return reader.getLocalName();
        }

        @Override
        public String namespaceUri() {
            return nz(reader.getNamespaceURI());
        }

        @Override
        public int namespaceCount() {
            return reader.getNamespaceCount();
        }

        @Override
        public String namespacePrefix(int i) {
            return nz(reader.getNamespacePrefix(i));
        }

        @Override
        public String namespaceUri(int i) {
            return nz(reader.getNamespaceURI(i));
        }

        @Override
        public int attributeCount() {
            return reader.getAttributeCount();
        }

        @Override
        public String attributePrefix(int i) {
            return nz(reader.getAttributePrefix(i));
        }

        @Override
        public String attributeLocalName(int i) {
            return reader.getAttributeLocalName(i);
        }

        @Override
        public String attributeNamespace(int i) {
            return nz(reader.getAttributeNamespace(i));
        }

        @Override
        public String attributeValue(int i) {
            return reader.getAttributeValue(i);
        }
    }
}
