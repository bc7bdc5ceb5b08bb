package vn.edocaxis.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.routing.CallerResolver;
import vn.edocaxis.service.Registry;

/**
 * First handler of every API route: the caller is whoever the verified TLS client certificate
 * says, resolved against the registry before any body is read. Unbound or retired identities
 * are refused here.
 */
final class IdentityHandler implements Handler<RoutingContext> {

    private final CallerResolver resolver;
    private final Registry registry;

    IdentityHandler(CallerResolver resolver, Registry registry) {
        this.resolver = resolver;
        this.registry = registry;
    }

    @Override
    public void handle(RoutingContext ctx) {
        List<Certificate> chain;
        try {
            chain = ctx.request().connection().peerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            chain = List.of();
        }
        if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate leaf)) {
            // Cannot happen with client authentication REQUIRED; kept as a guard should that change.
            ctx.fail(new RouterException(ErrorCode.CERT_NOT_BOUND, "no client certificate was presented"));
            return;
        }
        ctx.put(Requests.CALLER, resolver.resolve(leaf, registry.snapshot()));
        ctx.next();
    }
}
