package vn.edocaxis.service;

import io.vertx.core.Future;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.routing.Caller;
import vn.edocaxis.store.AckOutcome;
import vn.edocaxis.store.ChunkStream;
import vn.edocaxis.store.DeliveryRepository;
import vn.edocaxis.store.DocumentRepository;
import vn.edocaxis.store.InboxEntry;
import vn.edocaxis.store.PackageRef;

/**
 * The receiving side: a system lists the pending deliveries of the units it hosts, downloads each
 * package and acknowledges it. A delivery of a unit the caller does not host is {@code NOT_FOUND}.
 */
public final class DeliveryService {

    public static final int MAX_PAGE = 1000;
    public static final int MAX_REASON_CHARS = 2000;

    private final DeliveryRepository deliveries;
    private final DocumentRepository documents;

    public DeliveryService(DeliveryRepository deliveries, DocumentRepository documents) {
        this.deliveries = deliveries;
        this.documents = documents;
    }

    /** A page of the inbox and the cursor of the next page (null at the end). */
    public record InboxPage(List<InboxEntry> entries, String nextCursor) {
    }

    /** A package ready to stream. */
    public record Download(PackageRef ref, ChunkStream stream) {
    }

    public Future<InboxPage> inbox(Caller.SystemCaller caller, String cursor, int limit) {
        return inbox(caller, null, cursor, limit);
    }

    /** The inbox restricted to one kind of package ({@code null}: both documents and status messages). */
    public Future<InboxPage> inbox(Caller.SystemCaller caller, PackageKind kind, String cursor, int limit) {
        long after = parseCursor(cursor);
        if (limit < 1 || limit > MAX_PAGE) {
            throw new RouterException(ErrorCode.INVALID_PARAMETER, "limit must be between 1 and " + MAX_PAGE,
                    Map.of("parameter", "limit"));
        }
        Future<List<InboxEntry>> rows = kind == null ? deliveries.pending(caller.systemId(), after, limit + 1)
                : deliveries.pending(caller.systemId(), kind, after, limit + 1);
        return rows.map(found -> {
            boolean more = found.size() > limit;
            List<InboxEntry> page = more ? found.subList(0, limit) : found;
            return new InboxPage(List.copyOf(page), more ? Long.toString(page.get(page.size() - 1).deliveryId()) : null);
        });
    }

    public Future<Download> download(Caller.SystemCaller caller, long deliveryId) {
        return deliveries.packageOf(caller.systemId(), deliveryId)
                .map(found -> found.orElseThrow(() -> notFound(deliveryId)))
                .map(ref -> new Download(ref, new ChunkStream(documents, ref)));
    }

    /** Records that the package was sent out whole. */
    public Future<Void> downloaded(long deliveryId) {
        return deliveries.markDownloaded(deliveryId);
    }

    /**
     * {@code done} takes the delivery off the pending list; {@code fail} keeps it pending and counts
     * the attempt with its reason. Repeating an acknowledgement is harmless.
     */
    public Future<AckOutcome> ack(Caller.SystemCaller caller, long deliveryId, String result, String reason) {
        String normalized = result == null ? "" : result.toLowerCase(Locale.ROOT);
        if (!normalized.equals("done") && !normalized.equals("fail")) {
            throw new RouterException(ErrorCode.INVALID_PARAMETER, "result must be done or fail", Map.of("parameter", "result"));
        }
        if (reason != null && reason.length() > MAX_REASON_CHARS) {
            throw new RouterException(ErrorCode.INVALID_PARAMETER, "reason is longer than " + MAX_REASON_CHARS + " characters",
                    Map.of("parameter", "reason"));
        }
        return deliveries.ack(caller.systemId(), deliveryId, normalized, reason)
                .map(found -> found.orElseThrow(() -> notFound(deliveryId)));
    }

    /** How many deliveries of one kind are pending for the units the caller hosts. */
    public Future<Long> countPending(Caller.SystemCaller caller, PackageKind kind) {
        return deliveries.countPending(caller.systemId(), java.util.Objects.requireNonNull(kind, "kind"));
    }

    /**
     * The recipient took the delivery and is working on it, without having finished: the delivery
     * stays pending (listed, counted, downloadable) and carries the mark until {@code done} removes
     * it or {@code fail} clears the mark. Repeating it, or marking a delivery already done, changes nothing.
     */
    public Future<AckOutcome> markProcessing(Caller.SystemCaller caller, long deliveryId) {
        return deliveries.markProcessing(caller.systemId(), deliveryId)
                .map(found -> found.orElseThrow(() -> notFound(deliveryId)));
    }

    private static long parseCursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return 0;
        }
        try {
            long value = Long.parseLong(cursor);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new RouterException(ErrorCode.INVALID_PARAMETER, "cursor is not one this router returned", Map.of("parameter", "cursor"));
    }

    private static RouterException notFound(long deliveryId) {
        return new RouterException(ErrorCode.NOT_FOUND, "no delivery " + deliveryId + " for this system");
    }
}
