package vn.edocaxis.signature;

import java.util.ArrayList;
import java.util.List;

/**
 * A capped recording of parser events, replayed later into a {@link Canonicalizer} once the
 * algorithm to use is known. The size counted is an estimate of the heap the recording holds
 * (characters count two bytes, plus a fixed overhead per string and per event); recording stops
 * being accepted once it passes the cap.
 */
final class EventLog {

    private static final int EVENT_OVERHEAD = 32;
    private static final int STRING_OVERHEAD = 40;
    private static final Object END = new Object();

    private record Comment(char[] chars) {
    }

    private record Pi(String target, String data) {
    }

    private final long cap;
    private final List<Object> events = new ArrayList<>();
    private long size;

    EventLog(long cap) {
        this.cap = cap;
    }

    /** The estimated heap held by the recording. */
    long size() {
        return size;
    }

    /** Whether the recording has passed its cap. */
    boolean overflowed() {
        return size > cap;
    }

    void startElement(StartTag tag) {
        Recorded r = new Recorded(tag);
        events.add(r);
        size += EVENT_OVERHEAD + r.footprint();
    }

    void endElement() {
        events.add(END);
        size += 8;
    }

    void text(char[] chars, int offset, int length) {
        char[] copy = new char[length];
        System.arraycopy(chars, offset, copy, 0, length);
        events.add(copy);
        size += EVENT_OVERHEAD + 2L * length;
    }

    void comment(char[] chars, int offset, int length) {
        char[] copy = new char[length];
        System.arraycopy(chars, offset, copy, 0, length);
        events.add(new Comment(copy));
        size += EVENT_OVERHEAD * 2 + 2L * length;
    }

    void processingInstruction(String target, String data) {
        events.add(new Pi(target, data));
        size += EVENT_OVERHEAD + 2 * STRING_OVERHEAD + 2L * (target.length() + data.length());
    }

    /** Replays every recorded event, in order, into the canonicaliser. */
    void replay(Canonicalizer target) {
        for (Object event : events) {
            if (event == END) {
                target.endElement();
            } else if (event instanceof Recorded tag) {
                target.startElement(tag);
            } else if (event instanceof char[] text) {
                target.text(text, 0, text.length);
            } else if (event instanceof Comment comment) {
                target.comment(comment.chars, 0, comment.chars.length);
            } else if (event instanceof Pi pi) {
                target.processingInstruction(pi.target, pi.data);
            }
        }
    }

    void clear() {
        events.clear();
        size = 0;
    }

    /** A start tag copied out of the parser. */
    private static final class Recorded implements StartTag {
        private final String prefix;
        private final String localName;
        private final String namespaceUri;
        /** prefix, uri pairs */
        private final String[] namespaces;
        /** prefix, local name, namespace, value quadruples */
        private final String[] attributes;

        Recorded(StartTag tag) {
            prefix = tag.prefix();
            localName = tag.localName();
            namespaceUri = tag.namespaceUri();
            namespaces = new String[tag.namespaceCount() * 2];
            for (int i = 0; i < tag.namespaceCount(); i++) {
                namespaces[2 * i] = tag.namespacePrefix(i);
                namespaces[2 * i + 1] = tag.namespaceUri(i);
            }
            attributes = new String[tag.attributeCount() * 4];
            for (int i = 0; i < tag.attributeCount(); i++) {
                attributes[4 * i] = tag.attributePrefix(i);
                attributes[4 * i + 1] = tag.attributeLocalName(i);
                attributes[4 * i + 2] = tag.attributeNamespace(i);
                attributes[4 * i + 3] = tag.attributeValue(i);
            }
        }

        long footprint() {
            long n = 3 * STRING_OVERHEAD + 2L * (prefix.length() + localName.length() + namespaceUri.length());
            for (String s : namespaces) {
                n += STRING_OVERHEAD + 2L * s.length();
            }
            for (String s : attributes) {
                n += STRING_OVERHEAD + 2L * s.length();
            }
            return n;
        }

        @Override
        public String prefix() {
            return prefix;
        }

        @Override
        public String localName() {
            return localName;
        }

        @Override
        public String namespaceUri() {
            return namespaceUri;
        }

        @Override
        public int namespaceCount() {
            return namespaces.length / 2;
        }

        @Override
        public String namespacePrefix(int i) {
            return namespaces[2 * i];
        }

        @Override
        public String namespaceUri(int i) {
            return namespaces[2 * i + 1];
        }

        @Override
        public int attributeCount() {
            return attributes.length / 4;
        }

        @Override
        public String attributePrefix(int i) {
            return attributes[4 * i];
        }

        @Override
        public String attributeLocalName(int i) {
            return attributes[4 * i + 1];
        }

        @Override
        public String attributeNamespace(int i) {
            return attributes[4 * i + 2];
        }

        @Override
        public String attributeValue(int i) {
            return attributes[4 * i + 3];
        }
    }
}
