package vn.edocaxis.edxml;

import javax.xml.stream.XMLStreamReader;

/**
 * One consumer of the single parse of a package. The {@link PackageScanner} calls every listener
 * with the reader positioned on each event; a listener reads the current event's state and must
 * not move the reader. A listener refuses the package by throwing a
 * {@link vn.edocaxis.error.RouterException}.
 */
public interface XmlEventListener {

    /** Called for every event, {@code event} being one of the {@link javax.xml.stream.XMLStreamConstants}. */
    void onEvent(XMLStreamReader reader, int event);

    /** Called once after the end of the document has been reached. */
    default void onEndOfDocument() {
    }
}
