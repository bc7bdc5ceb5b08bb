package vn.edocaxis.http.compat;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import vn.edocaxis.edxml.PackageKind;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.routing.Caller;
import vn.edocaxis.service.SentService;
import vn.edocaxis.store.SentRepository;

/**
 * {@link SentDocuments} answered by the native sender's view ({@code GET /v1/sent}): one row per
 * recipient copy. Without a document id it covers the caller's {@value #RECENT} most recent
 * documents of the kind; older ones are reached through their id (or the native API, which pages).
 */
final class SentViewDocuments implements SentDocuments {

    static final int RECENT = 100;

    private final SentService sent;

    SentViewDocuments(SentService sent) {
        this.sent = sent;
    }

    @Override
    public Future<List<Sent>> sent(Caller.SystemCaller caller, PackageKind kind, UUID documentId) {
        String wire = kind == PackageKind.STATUS ? "status" : "document";
        if (documentId != null) {
            return sent.detail(caller, documentId.toString()).map(detail -> {
                if (!detail.kind().equals(wire)) {
                    throw new RouterException(ErrorCode.NOT_FOUND, "no " + wire + " " + documentId + " sent by this system",
                            Map.of("parameter", XroadHeaders.PREFIX + "docId"));
                }
                return rows(detail);
            });
        }
        return sent.list(caller, wire, null, null, null, null, null, null, RECENT).compose(page -> {
            List<Future<SentRepository.Detail>> details = new ArrayList<>();
            for (SentRepository.Summary summary : page.documents()) {
                details.add(sent.detail(caller, summary.id().toString()));
            }
            return Future.all(details).map(all -> {
                List<Sent> rows = new ArrayList<>();
                for (int i = 0; i < all.size(); i++) {
                    rows.addAll(rows(all.<SentRepository.Detail>resultAt(i)));
                }
                return rows;
            });
        });
    }

    private static List<Sent> rows(SentRepository.Detail d) {
        PackageKind kind = "status".equals(d.kind()) ? PackageKind.STATUS : PackageKind.DOCUMENT;
        List<Sent> rows = new ArrayList<>();
        for (SentRepository.Copy copy : d.recipients()) {
            String statusDescription = null;
            for (SentRepository.Status status : copy.timeline()) {
                if (status.code() != null && status.code().equals(copy.businessStatus())) {
                    statusDescription = status.description();
                }
            }
            rows.add(new Sent(d.id(), copy.deliveryId(), d.fromUnit(), copy.unit(), d.subject(), d.edxmlDocumentId(),
                    d.committedAt(), copy.ackedAt(), copy.state(), describe(copy), copy.businessStatus(), statusDescription, kind));
        }
        return rows;
    }

    private static String describe(SentRepository.Copy copy) {
        return switch (copy.state()) {
            case "pending" -> "waiting to be fetched by the recipient system";
            case "downloaded" -> "fetched by the recipient system, not yet acknowledged";
            case "acked" -> "acknowledged by the recipient system (" + copy.ackedBy() + ")";
            case "failed" -> "the recipient system reported " + copy.failCount() + " failed attempt(s)"
                    + (copy.lastError() == null ? "" : ": " + copy.lastError());
            case "dead-lettered" -> "push delivery gave up: " + copy.pushError();
            case "withdrawn" -> "withdrawn by a revocation before the recipient fetched it";
            default -> copy.state();
        };
    }
}
