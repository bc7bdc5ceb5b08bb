package vn.edocaxis.http.compat;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.routing.Caller;

/**
 * The sender's view that getSentEdocList needs: what the caller's units sent, one row per
 * recipient, with the state of the delivery and the latest business status; {@link SentViewDocuments}
 * answers it from the native sender's view.
 */
public interface SentDocuments {

    /**
     * What the caller's units sent, of one kind, newest first.
     *
     * @param documentId only this document (the {@code DocId} sendEdoc answered), or null for all
     */
    Future<List<Sent>> sent(Caller.SystemCaller caller, PackageKind kind, UUID documentId);

    /**
     * One recipient of one sent package.
     *
     * @param receivedTime  when the recipient acknowledged it (null while pending)
     * @param sendStatus    state of the delivery: e.g. {@code sent}, {@code fetched}, {@code acked}
     * @param receiveStatus the latest status code the recipient reported (e.g. {@code 03}), or null
     */
    record Sent(UUID documentId, long deliveryId, String fromUnit, String toUnit, String title, String notation,
                Instant sentTime, Instant receivedTime, String sendStatus, String sendStatusDesc,
                String receiveStatus, String receiveStatusDesc, PackageKind kind) {
    }
}
