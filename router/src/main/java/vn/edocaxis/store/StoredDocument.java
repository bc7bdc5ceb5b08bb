package vn.edocaxis.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A committed document and its deliveries, as the submitter is told. */
public record StoredDocument(UUID id, Instant receivedAt, List<Delivery> deliveries) {

    /** One delivery created by the submission. */
    public record Delivery(long id, String unitCode) {
    }
}
