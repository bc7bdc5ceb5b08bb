package vn.edocaxis.verticles;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

/**
 * The operations port, plain HTTP and private: liveness, readiness (the database answers) and
 * Prometheus metrics. Kept off the mutual-TLS port so that scraping needs no client certificate.
 */
public final class OpsVerticle extends VerticleBase {

    private final String host;
    private final int port;
    private final Pool pool;
    private final PrometheusMeterRegistry metrics;
    private HttpServer server;

    public OpsVerticle(String host, int port, Pool pool, PrometheusMeterRegistry metrics) {
        this.host = host;
        this.port = port;
        this.pool = pool;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
        router.get("/health/ready").handler(ctx -> pool.query("select 1").execute()
                .onSuccess(rows -> ctx.json(new JsonObject().put("status", "UP").put("database", "UP")))
                .onFailure(e -> ctx.response().setStatusCode(503)
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(new JsonObject().put("status", "DOWN").put("database", e.getMessage()).encode())));
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                .end(metrics.scrape()));
        server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)).requestHandler(router);
        return server.listen();
    }

    public int actualPort() {
        return server.actualPort();
    }
}
