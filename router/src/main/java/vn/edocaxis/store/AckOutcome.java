package vn.edocaxis.store;

import java.time.Instant;

/** The state of a delivery after an acknowledgement. */
public record AckOutcome(long deliveryId, String state, int failCount, Instant ackedAt) {
}
