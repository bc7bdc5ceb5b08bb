package vn.edocaxis.edxml;

/**
 * Structural limits applied while parsing, so that hostile XML costs bounded memory and CPU.
 *
 * @param maxDepth         deepest element nesting accepted (edXML needs about 10)
 * @param maxTokenBytes    most bytes one markup token (a start tag with its attributes, a comment,
 *                         a CDATA section, a processing instruction) may take; text is streamed in
 *                         segments and is not limited here
 * @param maxAttributes    most attributes (namespace declarations included) on one element,
 *                         counted in the bytes before the parser reads them
 * @param maxNames         most distinct names of elements, attributes and processing-instruction
 *                         targets (with their prefixes) in one package (the real sample packages
 *                         use at most 91)
 * @param maxPrefixes      most distinct namespace prefixes declared in one package
 */
public record XmlLimits(int maxDepth, int maxTokenBytes, int maxAttributes, int maxNames, int maxPrefixes) {

    public static final XmlLimits DEFAULT = new XmlLimits(64, 1 << 20, 256, 2048, 512);

    public XmlLimits {
        if (maxDepth < 8 || maxTokenBytes < 1024 || maxAttributes < 8 || maxNames < 256 || maxPrefixes < 16) {
            throw new IllegalArgumentException("XML limits too small: " + maxDepth + "/" + maxTokenBytes + "/" + maxAttributes
                    + "/" + maxNames + "/" + maxPrefixes);
        }
    }
}
