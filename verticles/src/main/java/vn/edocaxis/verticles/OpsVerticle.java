package vn.edocaxis.verticles;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.function.BooleanSupplier;
import vn.edocaxis.http.Requests;

/**
 * The operations port, plain HTTP and private: liveness, readiness (the database answers) and
 * Prometheus metrics. Kept off the mutual-TLS port so that scraping needs no client certificate.
 */
public final class OpsVerticle extends VerticleBase {

    private final String host;
    private final int port;
    private final Pool pool;
    private final PrometheusMeterRegistry metrics;
    private final BooleanSupplier stopping;
    private HttpServer server;

    /** @param stopping true once the router is stopping: readiness is DOWN from then on */
    public OpsVerticle(String host, int port, Pool pool, PrometheusMeterRegistry metrics, BooleanSupplier stopping) {
        this.host = host;
        this.port = port;
        this.pool = pool;
        this.metrics = metrics;
        this.stopping = stopping;
    }

    private static final String JSON = "application/json";

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        // a path with a broken percent-encoding threw while routes were matched (an ERROR line per request)
        router.route().handler(ctx -> {
            if (Requests.uriProblem(ctx.request().uri()) != null) {
                ctx.response().setStatusCode(400).end();
            } else {
                ctx.next();
            }
        });
        // GET and HEAD (load balancers' health checks often use HEAD): the headers without the body
        router.route("/health/live").method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(ctx -> Requests.end(ctx, JSON, new JsonObject().put("status", "UP").encode()));
        router.route("/health/ready").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::ready);
        router.route("/metrics").method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(ctx -> Requests.end(ctx, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
        server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)).requestHandler(router);
        return server.listen();
    }

    /** 503 once the router is stopping, or when the database does not answer. */
    private void ready(RoutingContext ctx) {
        if (stopping.getAsBoolean()) {
            ctx.response().setStatusCode(503);
            Requests.end(ctx, JSON, new JsonObject().put("status", "DOWN").put("stopping", true).encode());
            return;
        }
        pool.query("select 1").execute()
                .onSuccess(rows -> Requests.end(ctx, JSON, new JsonObject().put("status", "UP").put("database", "UP").encode()))
                .onFailure(e -> {
                    ctx.response().setStatusCode(503);
                    Requests.end(ctx, JSON, new JsonObject().put("status", "DOWN").put("database", e.getMessage()).encode());
                });
    }

    public int actualPort() {
        return server.actualPort();
    }
}
