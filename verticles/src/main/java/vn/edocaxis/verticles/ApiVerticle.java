package vn.edocaxis.verticles;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.edocaxis.http.FailureHandler;

/**
 * One instance of the mutual-TLS API server; the runtime deploys one per event loop, all sharing
 * the port. Collaborators arrive ready-made: the verticle only listens.
 */
public final class ApiVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);

    private final HttpServerOptions options;
    private final Function<io.vertx.core.Vertx, Router> routes;
    private HttpServer server;

    public ApiVerticle(HttpServerOptions options, Function<io.vertx.core.Vertx, Router> routes) {
        this.options = options;
        this.routes = routes;
    }

    @Override
    public Future<?> start() {
        server = vertx.createHttpServer(options)
                .requestHandler(routes.apply(vertx))
                .invalidRequestHandler(FailureHandler::invalidRequest)
                .exceptionHandler(e -> LOG.debug("connection refused or broken: {}", e.toString()));
        return server.listen();
    }

    public int actualPort() {
        return server.actualPort();
    }
}
