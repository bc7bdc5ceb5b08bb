package vn.edocaxis.service;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * The receiving side: a system lists the pending deliveries of the units it hosts (at once, or
 * waiting for the next one: long-poll), follows them as a stream, downloads each package (whole or
 * a byte range) and acknowledges it. A delivery of a unit the caller does not host is
 * {@code NOT_FOUND}.
 */
public final class DeliveryService {

    public static final int MAX_PAGE = 1000;
    public static final int MAX_REASON_CHARS = 2000;
    public static final long MAX_WAIT_SECONDS = 60;

    private final DeliveryRepository deliveries;
    private final DocumentRepository documents;
    private final DeliveryWakeups wakeups;

    public DeliveryService(DeliveryRepository deliveries, DocumentRepository documents, DeliveryWakeups wakeups) {
        this.deliveries = deliveries;
        this.documents = documents;
        this.wakeups = wakeups;
    }

    public DeliveryWakeups wakeups() {
        return wakeups;
    }

    /**
     * What to list.
     *
     * @param kind        {@code document}, {@code status} or null for both
     * @param since       deliveries created at or after this time, or null
     * @param unit        one of the caller's units, or null for all
     * @param waitSeconds 0: answer at once; up to 60: when nothing is pending, wait that long for a delivery
     */
    public record InboxQuery(String cursor, int limit, String kind, Instant since, String unit, long waitSeconds) {
    }

    /** A page of the inbox and the cursor of the next page (null at the end). */
    public record InboxPage(List<InboxEntry> entries, String nextCursor) {
    }

    /** A package, or a range of it, ready to stream. */
    public record Download(PackageRef ref, ChunkStream stream, long first, long last) {
        public boolean partial() {
            return first != 0 || last != ref.size() - 1;
        }
    }

    /** The inbox restricted to one kind of package ({@code null}: both documents and status messages), without waiting. */
    public Future<InboxPage> inbox(Caller.SystemCaller caller, PackageKind kind, String cursor, int limit) {
        return inbox(caller, new InboxQuery(cursor, limit, wire(kind), null, null, 0));
    }

    public Future<InboxPage> inbox(Caller.SystemCaller caller, InboxQuery query) {
        long after = parseCursor(query.cursor());
        if (query.limit() < 1 || query.limit() > MAX_PAGE) {
            throw invalid("limit", "limit must be between 1 and " + MAX_PAGE);
        }
        if (query.waitSeconds() < 0 || query.waitSeconds() > MAX_WAIT_SECONDS) {
            throw invalid("wait", "wait must be between 0 and " + MAX_WAIT_SECONDS + " seconds");
        }
        DeliveryRepository.Filter filter = filter(query.kind(), query.since(), query.unit());
        if (query.waitSeconds() == 0) {
            return page(caller, after, query.limit(), filter);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(query.waitSeconds());
        return pageOrWait(caller, after, query.limit(), filter, deadline);
    }

    /** Armed before each read, so a delivery committed between the read and the wait still wakes it. */
    private Future<InboxPage> pageOrWait(Caller.SystemCaller caller, long after, int limit, DeliveryRepository.Filter filter,
                                         long deadline) {
        DeliveryWakeups.Armed armed = wakeups.arm(caller.systemId());
        return page(caller, after, limit, filter).compose(page -> {
            long remaining = deadline - System.nanoTime();
            if (!page.entries().isEmpty() || remaining <= 0) {
                armed.cancel();
                return Future.succeededFuture(page);
            }
            return armed.woken().timeout(remaining, TimeUnit.NANOSECONDS)
                    .transform(woken -> {
                        armed.cancel();
                        return woken.succeeded() ? pageOrWait(caller, after, limit, filter, deadline) : Future.succeededFuture(page);
                    });
        }, failure -> {
            armed.cancel();
            return Future.failedFuture(failure);
        });
    }

    private Future<InboxPage> page(Caller.SystemCaller caller, long after, int limit, DeliveryRepository.Filter filter) {
        return deliveries.pending(caller.systemId(), after, limit + 1, filter).map(rows -> {
            boolean more = rows.size() > limit;
            List<InboxEntry> page = more ? rows.subList(0, limit) : rows;
            return new InboxPage(List.copyOf(page), more ? Long.toString(page.get(page.size() - 1).deliveryId()) : null);
        });
    }

    /** How many deliveries are pending for the caller, with the same filters as the inbox. */
    public Future<Long> count(Caller.SystemCaller caller, String kind, Instant since, String unit) {
        return deliveries.countPending(caller.systemId(), filter(kind, since, unit));
    }

    /** Every delivery of the caller after an id (pending or not), in commit order: the event stream's source. */
    public Future<List<InboxEntry>> after(Caller.SystemCaller caller, long afterId, int limit) {
        return deliveries.after(caller.systemId(), afterId, limit);
    }

    /** The id of the caller's latest delivery (0 if none): where a fresh event stream starts following. */
    public Future<Long> latestId(Caller.SystemCaller caller) {
        return deliveries.latestId(caller.systemId());
    }

    public Future<Download> download(Caller.SystemCaller caller, long deliveryId, ByteRange range) {
        return deliveries.packageOf(caller.systemId(), deliveryId)
                .map(found -> found.orElseThrow(() -> notFound(deliveryId)))
                .map(ref -> {
                    long first = range == null ? 0 : range.first(ref.size());
                    long last = range == null ? ref.size() - 1 : range.last(ref.size());
                    return new Download(ref, new ChunkStream(documents, ref, first, last), first, last);
                });
    }

    /** Records that the whole package was sent out. */
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
            throw invalid("result", "result must be done or fail");
        }
        if (reason != null && reason.length() > MAX_REASON_CHARS) {
            throw invalid("reason", "reason is longer than " + MAX_REASON_CHARS + " characters");
        }
        return deliveries.ack(caller.systemId(), deliveryId, normalized, reason)
                .map(found -> found.orElseThrow(() -> notFound(deliveryId)));
    }

    private static DeliveryRepository.Filter filter(String kind, Instant since, String unit) {
        if (kind != null && !kind.equals("document") && !kind.equals("status")) {
            throw invalid("kind", "kind must be document or status");
        }
        return new DeliveryRepository.Filter(kind, since, unit);
    }

    private static String wire(PackageKind kind) {
        return kind == null ? null : kind == PackageKind.STATUS ? "status" : "document";
    }

    /** The router-wide queue (every system, every node): for the operators' gauges. */
    public Future<DeliveryRepository.QueueFigures> queueFigures() {
        return deliveries.queueFigures();
    }

    /** How many deliveries of one kind are pending for the units the caller hosts. */
    public Future<Long> countPending(Caller.SystemCaller caller, PackageKind kind) {
        return deliveries.countPending(caller.systemId(),
                new DeliveryRepository.Filter(wire(java.util.Objects.requireNonNull(kind, "kind")), null, null));
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
        throw invalid("cursor", "cursor is not one this router returned");
    }

    private static RouterException invalid(String parameter, String message) {
        return new RouterException(ErrorCode.INVALID_PARAMETER, message, Map.of("parameter", parameter));
    }

    private static RouterException notFound(long deliveryId) {
        return new RouterException(ErrorCode.NOT_FOUND, "no delivery " + deliveryId + " for this system");
    }
}
