package vn.edocaxis.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import vn.edocaxis.routing.Caller;
import vn.edocaxis.service.AuditService;
import vn.edocaxis.service.SentService;
import vn.edocaxis.service.StatsService;
import vn.edocaxis.store.SentRepository;
import vn.edocaxis.store.StatsRepository;

/** The sender's view, statistics (JSON or CSV) and the audit verification. */
final class FeedbackHandlers {

    /** Status codes given their own CSV column; any other code is counted in status_other. */
    static final List<String> CSV_CODES = List.of("01", "02", "03", "04", "05", "06", "13", "15", "16");

    private final SentService sent;
    private final StatsService stats;
    private final AuditService audit;

    FeedbackHandlers(SentService sent, StatsService stats, AuditService audit) {
        this.sent = sent;
        this.stats = stats;
        this.audit = audit;
    }

    /** {@code GET /v1/sent?kind&since&until&unit&recipient&state&cursor&limit}. */
    void list(RoutingContext ctx) {
        Caller.SystemCaller caller = Requests.system(ctx);
        var q = ctx.request();
        sent.list(caller, q.getParam("kind"), Requests.instantParam(ctx, "since"), Requests.instantParam(ctx, "until"),
                        q.getParam("unit"), q.getParam("recipient"), q.getParam("state"), q.getParam("cursor"),
                        (int) Math.max(Math.min(Requests.longParam(ctx, "limit", 50), Integer.MAX_VALUE), Integer.MIN_VALUE))
                .onSuccess(page -> {
                    JsonArray items = new JsonArray();
                    for (SentRepository.Summary s : page.documents()) {
                        items.add(new JsonObject().put("documentId", s.id().toString()).put("kind", s.kind()).put("from", s.fromUnit())
                                .put("edxmlDocumentId", s.edxmlDocumentId()).put("subject", s.subject())
                                .put("businessType", s.businessType()).put("original", s.originalId() == null ? null : s.originalId().toString())
                                .put("statusCode", s.statusCode()).put("committedAt", Json.time(s.committedAt())).put("size", s.size())
                                .put("signature", s.signatureStatus())
                                .put("recipients", new JsonObject().put("total", s.recipients()).put("pending", s.pending())
                                        .put("downloaded", s.downloaded()).put("acked", s.acked()).put("failed", s.failed())
                                        .put("dead-lettered", s.dead()).put("withdrawn", s.withdrawn())));
                    }
                    DeliveryHandlers.ok(ctx, new JsonObject().put("items", items).put("nextCursor", page.nextCursor()));
                })
                .onFailure(ctx::fail);
    }

    /** {@code GET /v1/sent/{documentId}}. */
    void detail(RoutingContext ctx) {
        Caller caller = Requests.caller(ctx);
        sent.detail(caller, ctx.pathParam("id")).onSuccess(d -> {
            JsonArray recipients = new JsonArray();
            for (SentRepository.Copy c : d.recipients()) {
                JsonArray timeline = new JsonArray();
                for (SentRepository.Status s : c.timeline()) {
                    timeline.add(new JsonObject().put("documentId", s.id().toString()).put("statusCode", s.code())
                            .put("known", s.known()).put("description", s.description()).put("at", Json.time(s.at()))
                            .put("from", s.fromUnit()));
                }
                recipients.add(new JsonObject().put("unit", c.unit()).put("deliveryId", c.deliveryId()).put("state", c.state())
                        .put("createdAt", Json.time(c.createdAt())).put("downloadedAt", Json.time(c.downloadedAt()))
                        .put("ackedAt", Json.time(c.ackedAt())).put("ackedBy", c.ackedBy()).put("failCount", c.failCount())
                        .put("lastError", c.lastError()).put("pushAttempts", c.pushAttempts()).put("pushError", c.pushError())
                        .put("deadAt", Json.time(c.deadAt())).put("withdrawnAt", Json.time(c.withdrawnAt()))
                        .put("withdrawnBy", c.withdrawnBy() == null ? null : c.withdrawnBy().toString())
                        .put("currentStatus", c.businessStatus()).put("currentStatusAt", Json.time(c.businessStatusAt()))
                        .put("takeBack", c.takeBack()).put("takeBackAt", Json.time(c.takeBackAt())).put("timeline", timeline));
            }
            JsonArray history = new JsonArray();
            for (SentRepository.Revision r : d.history()) {
                history.add(new JsonObject().put("documentId", r.id().toString()).put("type", REVISIONS[r.businessType()])
                        .put("edxmlDocumentId", r.edxmlDocumentId()).put("at", Json.time(r.at())));
            }
            DeliveryHandlers.ok(ctx, new JsonObject().put("documentId", d.id().toString()).put("kind", d.kind())
                    .put("sender", d.senderSystemId()).put("from", d.fromUnit()).put("edxmlDocumentId", d.edxmlDocumentId())
                    .put("subject", d.subject()).put("businessType", d.businessType())
                    .put("original", d.originalId() == null ? null : d.originalId().toString())
                    .put("statusCode", d.statusCode()).put("responseFor", d.responseForId() == null ? null : d.responseForId().toString())
                    .put("committedAt", Json.time(d.committedAt())).put("size", d.size()).put("sha256", HexFormat.of().formatHex(d.sha256()))
                    .put("signature", Json.signature(d.signature())).put("recipients", recipients).put("history", history));
        }).onFailure(ctx::fail);
    }

    static final String[] REVISIONS = {"new", "revoke", "update", "replace"};

    /** {@code GET /v1/stats?from=yyyy-MM-dd&to=yyyy-MM-dd&period=day|month&unit=&format=json|csv}. */
    void stats(RoutingContext ctx) {
        Caller caller = Requests.caller(ctx);
        LocalDate from = date(ctx, "from");
        LocalDate to = date(ctx, "to");
        String format = ctx.request().getParam("format", "json").toLowerCase(Locale.ROOT);
        if (!format.equals("json") && !format.equals("csv")) {
            throw Requests.invalid("format", "format must be json or csv");
        }
        String period = ctx.request().getParam("period");
        stats.counts(caller, from, to, period, ctx.request().getParam("unit")).onSuccess(counts -> {
            Map<String, JsonObject> rows = new LinkedHashMap<>();
            for (StatsRepository.Count c : counts) {
                String p = period != null && period.equals("month") ? c.period().toString().substring(0, 7) : c.period().toString();
                JsonObject row = rows.computeIfAbsent(p + "|" + c.unit(), k -> new JsonObject().put("period", p).put("unit", c.unit())
                        .put("sentDocuments", 0L).put("sentStatuses", 0L).put("receivedDocuments", 0L).put("receivedStatuses", 0L)
                        .put("acked", 0L).put("statuses", new JsonObject()));
                switch (c.metric()) {
                    case "sent_documents" -> row.put("sentDocuments", c.n());
                    case "sent_statuses" -> row.put("sentStatuses", c.n());
                    case "received_documents" -> row.put("receivedDocuments", c.n());
                    case "received_statuses" -> row.put("receivedStatuses", c.n());
                    case "acked" -> row.put("acked", c.n());
                    default -> row.getJsonObject("statuses").put(c.statusCode(), c.n());
                }
            }
            if (format.equals("json")) {
                DeliveryHandlers.ok(ctx, new JsonObject().put("from", from.toString()).put("to", to.toString())
                        .put("period", period == null ? "day" : period).put("rows", new JsonArray(List.copyOf(rows.values()))));
                return;
            }
            StringBuilder csv = new StringBuilder("period,unit,sent_documents,sent_statuses,received_documents,received_statuses,acked");
            CSV_CODES.forEach(code -> csv.append(",status_").append(code));
            csv.append(",status_other\r\n");
            for (JsonObject row : rows.values()) {
                csv.append(row.getString("period")).append(',').append(row.getString("unit")).append(',')
                        .append(row.getLong("sentDocuments")).append(',').append(row.getLong("sentStatuses")).append(',')
                        .append(row.getLong("receivedDocuments")).append(',').append(row.getLong("receivedStatuses")).append(',')
                        .append(row.getLong("acked"));
                JsonObject statuses = row.getJsonObject("statuses");
                long other = statuses.fieldNames().stream().filter(code -> !CSV_CODES.contains(code)).mapToLong(statuses::getLong).sum();
                CSV_CODES.forEach(code -> csv.append(',').append(statuses.getLong(code, 0L)));
                csv.append(',').append(other).append("\r\n");
            }
            ctx.response().putHeader("Content-Disposition", "attachment; filename=\"edoc-stats-" + from + "-" + to + ".csv\"");
            Requests.end(ctx, "text/csv; charset=utf-8", csv.toString());
        }).onFailure(ctx::fail);
    }

    /** {@code GET /v1/admin/audit/verify}: the chain walked now (seals what is waiting first). */
    void verifyAudit(RoutingContext ctx) {
        Requests.operator(ctx);
        audit.sealAll().compose(n -> audit.verify()).onSuccess(v -> DeliveryHandlers.ok(ctx, new JsonObject()
                .put("intact", v.intact()).put("checked", v.checked()).put("brokenLink", v.intact() ? null : v.brokenLink())
                .put("entryId", v.intact() ? null : v.entryId()).put("reason", v.reason()).put("headHash", v.headHash())))
                .onFailure(ctx::fail);
    }

    private static LocalDate date(RoutingContext ctx, String name) {
        String value = ctx.request().getParam(name);
        if (value == null) {
            throw Requests.invalid(name, name + " (yyyy-MM-dd) is required");
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw Requests.invalid(name, name + " must be a date, yyyy-MM-dd");
        }
    }
}
