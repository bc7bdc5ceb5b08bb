package vn.edocaxis.service;

import java.time.Duration;
import vn.edocaxis.edxml.XmlLimits;

/**
 * Limits of the submit path.
 *
 * @param maxPackageBytes largest package accepted; counted while streaming, not taken from Content-Length
 * @param chunkBytes      size of the stored chunks, and so the most package bytes one upload holds in memory at once (times three)
 * @param xml             structural XML limits
 * @param minUploadRate   bytes per second that a package larger than one chunk must keep arriving at
 *                        once its first chunk is written, measured over each {@code rateWindow}
 *                        (time the router itself paused the body does not count); 0 turns the check off
 * @param rateWindow      the window of that measurement
 */
public record IntakeLimits(long maxPackageBytes, int chunkBytes, XmlLimits xml, long minUploadRate, Duration rateWindow) {

    public IntakeLimits {
        if (maxPackageBytes < 1024 || chunkBytes < 4096) {
            throw new IllegalArgumentException("intake limits too small");
        }
        if (minUploadRate < 0 || rateWindow.isNegative() || rateWindow.isZero()) {
            throw new IllegalArgumentException("upload rate limit out of range");
        }
    }

    /** Without a minimum upload rate. */
    public IntakeLimits(long maxPackageBytes, int chunkBytes, XmlLimits xml) {
        this(maxPackageBytes, chunkBytes, xml, 0, Duration.ofSeconds(30));
    }
}
