package vn.edocaxis.store;

import java.security.SecureRandom;
import java.util.UUID;

/** Identifiers minted by the router. */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /**
     * A version-7 UUID (RFC 9562): 48 bits of Unix milliseconds then random bits, so new rows land
     * at the right edge of the primary-key index instead of all over it.
     */
    public static UUID timeOrdered() {
        long millis = System.currentTimeMillis();
        long randA = RANDOM.nextInt(1 << 12);
        long high = (millis << 16) | (0x7L << 12) | randA;
        long low = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }
}
