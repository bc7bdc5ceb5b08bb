package vn.edocaxis.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A committed document and its deliveries, as the submitter is told.
 *
 * @param committedAt timestamp of the transaction that committed it
 * @param replay      true when this submission repeated an earlier one byte for byte: nothing new was stored
 * @param receipt     the receipt signed with the others of its batch transaction; null when it is to be signed alone
 */
public record StoredDocument(UUID id, String senderSystemId, Instant committedAt, List<Delivery> deliveries, boolean replay,
                             Receipt receipt) {

    public StoredDocument(UUID id, String senderSystemId, Instant committedAt, List<Delivery> deliveries, boolean replay) {
        this(id, senderSystemId, committedAt, deliveries, replay, null);
    }

    StoredDocument withReceipt(Receipt signed) {
        return new StoredDocument(id, senderSystemId, committedAt, deliveries, replay, signed);
    }

    /** One delivery created by the submission. */
    public record Delivery(long id, String unitCode) {
    }
}
