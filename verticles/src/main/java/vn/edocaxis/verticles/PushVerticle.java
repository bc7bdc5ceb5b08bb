package vn.edocaxis.verticles;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.edocaxis.service.DeliveryWakeups;
import vn.edocaxis.service.PushAddresses;
import vn.edocaxis.service.PushService;
import vn.edocaxis.store.PushRepository;

/**
 * This node's push worker. It leases due deliveries from the database (so two nodes never
 * attempt the same one at once), POSTs each package to its system's endpoint over mutual TLS with
 * the router's client certificate, and records the outcome: a 2xx acknowledges the delivery,
 * anything else schedules a retry or dead-letters it. New deliveries wake it at once; due retries
 * are looked for when the earliest one is due, and at least every poll interval.
 */
public final class PushVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(PushVerticle.class);

    /** How the worker reaches agencies. */
    public record Settings(String clientCertificate, String clientKey, String trustedCas, int concurrency, Duration timeout,
                           Duration pollInterval) {
    }

    private final PushService pushes;
    private final DeliveryWakeups wakeups;
    private final Settings settings;
    private final Counter acknowledged;
    private final Counter retried;
    private final Counter deadLettered;
    private HttpClient client;
    /** Name lookups block: a few threads of their own, so a slow name server holds up only pushes. */
    private WorkerExecutor resolver;
    private DeliveryWakeups.Subscription subscription;
    private int inFlight;
    private boolean claiming;
    private boolean again;
    private long timer = -1;
    private boolean stopped;

    public PushVerticle(PushService pushes, DeliveryWakeups wakeups, Settings settings, MeterRegistry meters) {
        this.pushes = pushes;
        this.wakeups = wakeups;
        this.settings = settings;
        this.acknowledged = attempts(meters, "acknowledged");
        this.retried = attempts(meters, "retry");
        this.deadLettered = attempts(meters, "dead-lettered");
    }

    private static Counter attempts(MeterRegistry meters, String outcome) {
        return Counter.builder("edoc.push.attempts").tag("outcome", outcome)
                .description("Push attempts made by this node, by outcome").register(meters);
    }

    @Override
    public Future<?> start() {
        HttpClientOptions options = new HttpClientOptions().setSsl(true).setVerifyHost(true).setKeepAlive(true)
                .setConnectTimeout((int) Math.min(settings.timeout().toMillis(), 10_000))
                .setIdleTimeout((int) settings.timeout().toSeconds() + 1);
        if (settings.clientCertificate() != null) {
            options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(settings.clientCertificate())
                    .setKeyPath(settings.clientKey()));
        } else {
            LOG.warn("push.client-certificate is not set: pushes are made without a client certificate");
        }
        if (settings.trustedCas() != null) {
            options.setTrustOptions(new PemTrustOptions().addCertPath(settings.trustedCas()));
        }
        client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(8));
        resolver = vertx.createSharedWorkerExecutor("edoc-push-resolver", 4);
        subscription = wakeups.onAnyDelivery(pushes::pushesTo, this::work);
        work();
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        stopped = true;
        subscription.cancel();
        vertx.cancelTimer(timer);
        return client.close().compose(v -> resolver.close());
    }

    /** Claims what is due while there is room; re-entrant calls just ask for another round. */
    private void work() {
        if (stopped) {
            return;
        }
        if (claiming) {
            again = true;
            return;
        }
        int room = settings.concurrency() - inFlight;
        if (room <= 0) {
            return; // a finishing attempt calls work() again
        }
        claiming = true;
        again = false;
        pushes.claim(room).onComplete(ar -> {
            claiming = false;
            if (ar.failed()) {
                LOG.warn("could not claim push deliveries: {}", ar.cause().toString());
                schedule(settings.pollInterval());
                return;
            }
            List<PushRepository.Claimed> claimed = ar.result();
            claimed.forEach(this::attempt);
            if (again || (claimed.size() == room && inFlight < settings.concurrency())) {
                work();
            } else {
                pushes.nextDue().onComplete(due -> schedule(due.succeeded() && due.result().isPresent()
                        ? Duration.between(Instant.now(), due.result().get()) : settings.pollInterval()));
            }
        });
    }

    private void schedule(Duration delay) {
        if (stopped) {
            return;
        }
        long millis = Math.max(10, Math.min(delay.toMillis(), settings.pollInterval().toMillis()));
        vertx.cancelTimer(timer);
        timer = vertx.setTimer(millis, t -> work());
    }

    /**
     * The address to connect to: the endpoint's host resolved now, refused if any of its addresses
     * is in {@code push.denied-addresses} (a name may resolve elsewhere than when it was set). The
     * request keeps the URL's host for its Host header, SNI and the server certificate's check.
     */
    private Future<SocketAddress> target(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture("the endpoint is not a URL: " + e.getMessage());
        }
        String host = uri.getHost();
        if (host == null) {
            return Future.failedFuture("the endpoint's URL has no host: " + url);
        }
        String bare = PushAddresses.unbracketed(host);
        int port = uri.getPort() < 0 ? 443 : uri.getPort();
        return resolver.executeBlocking(() -> InetAddress.getAllByName(bare), false).map(addresses -> {
            for (InetAddress address : addresses) {
                Optional<String> block = pushes.addresses().deniedBlock(address);
                if (block.isPresent()) {
                    throw new IllegalStateException("the endpoint's host " + host + " resolves to " + address.getHostAddress()
                            + ", in " + block.get() + ", a network push endpoints may not be in (" + PushAddresses.KEY + ")");
                }
            }
            return SocketAddress.inetSocketAddress(new InetSocketAddress(addresses[0], port));
        });
    }

    private void attempt(PushRepository.Claimed claimed) {
        if (stopped) {
            return; // claimed as the node stopped: its lease runs out and a live node takes it over
        }
        inFlight++;
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(claimed.url())
                .setIdleTimeout(settings.timeout().toMillis())
                .putHeader("Content-Type", "application/xml")
                .putHeader("Content-Length", Long.toString(claimed.ref().size()))
                .putHeader("X-Delivery-Id", Long.toString(claimed.deliveryId()))
                .putHeader("X-Document-Id", claimed.documentId().toString())
                .putHeader("X-Unit", claimed.unitCode())
                .putHeader("X-Package-SHA256", HexFormat.of().formatHex(claimed.ref().sha256()))
                .putHeader("X-Attempt", Integer.toString(claimed.attempt()));
        target(claimed.url())
                .compose(server -> client.request(request.setServer(server)))
                .compose(req -> req.send(pushes.packageOf(claimed)))
                .compose(response -> response.body().map(body -> {
                    if (response.statusCode() / 100 != 2) {
                        throw new IllegalStateException("HTTP " + response.statusCode() + ": "
                                + body.toString().substring(0, Math.min(200, body.length())));
                    }
                    return (Void) null;
                }))
                .timeout(settings.timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .compose(ok -> pushes.succeeded(claimed).map(v -> {
                            acknowledged.increment();
                            return "acknowledged";
                        }),
                        failure -> pushes.failed(claimed, failure.getMessage() == null ? failure.toString() : failure.getMessage())
                                .map(outcome -> {
                                    (outcome == PushService.Outcome.DEAD ? deadLettered : retried).increment();
                                    return outcome == PushService.Outcome.DEAD ? "dead-lettered: " + failure.getMessage()
                                            : "will retry: " + failure.getMessage();
                                }))
                .onComplete(ar -> {
                    inFlight--;
                    if (ar.failed()) {
                        LOG.warn("could not record the push of delivery {}: {}", claimed.deliveryId(), ar.cause().toString());
                    } else {
                        LOG.debug("push of delivery {} (attempt {}): {}", claimed.deliveryId(), claimed.attempt(), ar.result());
                    }
                    work();
                });
    }
}
