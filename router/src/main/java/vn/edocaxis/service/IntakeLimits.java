package vn.edocaxis.service;

import vn.edocaxis.edxml.XmlLimits;

/**
 * Limits of the submit path.
 *
 * @param maxPackageBytes largest package accepted; counted while streaming, not taken from Content-Length
 * @param chunkBytes      size of the stored chunks, and so the most package bytes one upload holds in memory at once (times three)
 * @param xml             structural XML limits
 */
public record IntakeLimits(long maxPackageBytes, int chunkBytes, XmlLimits xml) {

    public IntakeLimits {
        if (maxPackageBytes < 1024 || chunkBytes < 4096) {
            throw new IllegalArgumentException("intake limits too small");
        }
    }
}
