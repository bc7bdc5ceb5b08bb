package vn.edocaxis.service;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.routing.Caller;
import vn.edocaxis.store.SentRepository;

/**
 * The sender's view: the documents the caller's units sent, and per recipient the delivery's
 * state, the business status timeline and the take-back exchange, plus the document's revisions.
 * A system sees what its units sent; an operator sees any document.
 */
public final class SentService {

    public static final Set<String> STATES = Set.of("pending", "downloaded", "acked", "failed", "dead-lettered", "withdrawn");
    public static final int MAX_PAGE = 500;

    private final SentRepository sent;
    private final Registry registry;

    public SentService(SentRepository sent, Registry registry) {
        this.sent = sent;
        this.registry = registry;
    }

    /** A page of sent documents, newest first, and the cursor of the next page (null at the end). */
    public record Page(List<SentRepository.Summary> documents, String nextCursor) {
    }

    /**
     * @param unit      one of the caller's units, or null for all of them
     * @param recipient documents delivered to this unit, or null
     * @param state     documents with at least one copy in this state, or null
     */
    public Future<Page> list(Caller.SystemCaller caller, String kind, Instant since, Instant until, String unit, String recipient,
                             String state, String cursor, int limit) {
        registry.snapshot().ownUnit(caller.systemId(), unit);
        List<String> hosted = registry.snapshot().unitsOf(caller.systemId());
        if (state != null && !STATES.contains(state)) {
            throw invalid("state", "state must be one of " + STATES);
        }
        String k = kind == null ? "document" : kind;
        if (!k.equals("document") && !k.equals("status")) {
            throw invalid("kind", "kind must be document or status");
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw invalid("limit", "limit must be between 1 and " + MAX_PAGE);
        }
        UUID before = null;
        if (cursor != null && !cursor.isEmpty()) {
            try {
                before = UUID.fromString(cursor);
            } catch (IllegalArgumentException e) {
                throw invalid("cursor", "cursor is not one this router returned");
            }
        }
        String[] units = unit != null ? new String[] {unit} : hosted.toArray(new String[0]);
        return sent.list(units, new SentRepository.Filter(k, since, until, recipient, state, before, limit + 1)).map(rows -> {
            boolean more = rows.size() > limit;
            List<SentRepository.Summary> page = more ? rows.subList(0, limit) : rows;
            return new Page(List.copyOf(page), more ? page.get(page.size() - 1).id().toString() : null);
        });
    }

    /** One document with every copy; NOT_FOUND unless the caller hosts its sending unit (or is an operator). */
    public Future<SentRepository.Detail> detail(Caller caller, String documentId) {
        UUID id;
        try {
            id = UUID.fromString(documentId);
        } catch (IllegalArgumentException e) {
            throw notFound(documentId);
        }
        return sent.detail(id).map(found -> found.filter(d -> visible(caller, d.fromUnit())).orElseThrow(() -> notFound(documentId)));
    }

    private boolean visible(Caller caller, String fromUnit) {
        return caller instanceof Caller.Operator
                || (caller instanceof Caller.SystemCaller system && registry.snapshot().unitsOf(system.systemId()).contains(fromUnit));
    }

    private static RouterException notFound(String id) {
        return new RouterException(ErrorCode.NOT_FOUND, "no document " + id + " sent by this system's units");
    }

    private static RouterException invalid(String parameter, String message) {
        return new RouterException(ErrorCode.INVALID_PARAMETER, message, Map.of("parameter", parameter));
    }
}
