package vn.edocaxis.verticles;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.edocaxis.http.Stopping;

/**
 * One instance of the mutual-TLS API server; the runtime deploys one per event loop, all sharing
 * the port. Collaborators arrive ready-made: the verticle only listens.
 */
public final class ApiVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);

    private final HttpServerOptions options;
    private final BiFunction<io.vertx.core.Vertx, Stopping, Router> routes;
    private final Stopping stopping = new Stopping();
    private final Handler<HttpServerRequest> invalidRequests;
    private final Duration shutdownGrace;
    private HttpServer server;

    /** {@code invalidRequests} answers requests that could not be decoded (they reach no route). */
    public ApiVerticle(HttpServerOptions options, BiFunction<io.vertx.core.Vertx, Stopping, Router> routes,
                       Handler<HttpServerRequest> invalidRequests, Duration shutdownGrace) {
        this.options = options;
        this.routes = routes;
        this.invalidRequests = invalidRequests;
        this.shutdownGrace = shutdownGrace;
    }

    @Override
    public Future<?> start() {
        server = vertx.createHttpServer(options)
                .requestHandler(routes.apply(vertx, stopping))
                .invalidRequestHandler(invalidRequests)
                .exceptionHandler(e -> LOG.debug("connection refused or broken: {}", e.toString()));
        return server.listen();
    }

    /**
     * Ends the open event streams and long polls ({@link Stopping}), then takes no new connections
     * and lets the requests in progress finish, for at most {@code api.shutdown-grace}, before the
     * connections are closed: a node stopped by its service manager answers what it has begun (the
     * router closes Vert.x, its pools and the group committer only after this).
     */
    @Override
    public Future<?> stop() {
        stopping.stop();
        return server.shutdown(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int actualPort() {
        return server.actualPort();
    }
}
