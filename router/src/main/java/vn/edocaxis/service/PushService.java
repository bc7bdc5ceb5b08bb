package vn.edocaxis.service;

import io.vertx.core.Future;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.store.ChunkStream;
import vn.edocaxis.store.DocumentRepository;
import vn.edocaxis.store.PushRepository;

/**
 * Push delivery: which deliveries are due, what an attempt's outcome does to them (acknowledged,
 * retried after an exponential back-off with jitter, or dead-lettered after too many attempts or
 * too long), and the endpoints systems register. The HTTP calls themselves are made by the
 * runtime's push worker.
 */
public final class PushService {

    /**
     * @param lease       how long an attempt may run before another node may take the delivery over
     * @param maxAttempts attempts before a delivery becomes a dead letter
     * @param maxAge      age of a delivery after which a failed attempt dead-letters it
     * @param backoffBase delay after the first failure; it doubles with each further one
     * @param backoffMax  ceiling of the delay
     */
    public record Policy(Duration lease, int maxAttempts, Duration maxAge, Duration backoffBase, Duration backoffMax) {
    }

    /** What a failed attempt led to. */
    public enum Outcome { RETRY, DEAD }

    private final PushRepository pushes;
    private final DocumentRepository documents;
    private final Policy policy;
    private final Registry registry;
    private final PushAddresses addresses;

    public PushService(PushRepository pushes, DocumentRepository documents, Policy policy, Registry registry,
                       PushAddresses addresses) {
        this.pushes = pushes;
        this.documents = documents;
        this.policy = policy;
        this.registry = registry;
        this.addresses = addresses;
    }

    public Policy policy() {
        return policy;
    }

    /** The networks endpoints may not be in. */
    public PushAddresses addresses() {
        return addresses;
    }

    /**
     * Whether new deliveries to the system may be due for a push, by this node's registry: the
     * push worker is woken only for those. A system whose endpoint was just set on another node,
     * before this node's registry shows it, is found at the worker's next poll.
     */
    public boolean pushesTo(String systemId) {
        return registry.snapshot().system(systemId).map(system -> system.pushUrl() != null).orElse(true);
    }

    public Future<List<PushRepository.Claimed>> claim(int limit) {
        return pushes.claim(limit, policy.lease());
    }

    public Future<Optional<Instant>> nextDue() {
        return pushes.nextDue();
    }

    /** The package to send, read chunk by chunk. */
    public ChunkStream packageOf(PushRepository.Claimed claimed) {
        return new ChunkStream(documents, claimed.ref());
    }

    /** The endpoint answered 2xx: the delivery is acknowledged. */
    public Future<Void> succeeded(PushRepository.Claimed claimed) {
        return pushes.succeeded(claimed.deliveryId());
    }

    public Future<Outcome> failed(PushRepository.Claimed claimed, String error) {
        String reason = error.length() > 500 ? error.substring(0, 500) : error;
        boolean tooOld = Duration.between(claimed.createdAt(), Instant.now()).compareTo(policy.maxAge()) > 0;
        if (claimed.attempt() >= policy.maxAttempts() || tooOld) {
            return pushes.dead(claimed.deliveryId(), reason + " (after " + claimed.attempt() + " attempts)").map(Outcome.DEAD);
        }
        return pushes.retryLater(claimed.deliveryId(), reason, backoff(claimed.attempt())).map(Outcome.RETRY);
    }

    /** base × 2^(attempt−1), capped, then scaled by a random factor in [0.5, 1) so that retries spread out. */
    Duration backoff(int attempt) {
        double exponential = policy.backoffBase().toMillis() * Math.pow(2, Math.min(attempt - 1, 30));
        double capped = Math.min(exponential, policy.backoffMax().toMillis());
        return Duration.ofMillis((long) (capped * (0.5 + 0.5 * ThreadLocalRandom.current().nextDouble())));
    }

    /** Highest per-endpoint concurrency a system may ask for (the column's check agrees). */
    public static final int MAX_CONCURRENCY = 64;

    /**
     * Registers (or, with a null url, removes) the HTTPS endpoint the system's deliveries are pushed
     * to; {@code maxConcurrency} (1–64, null: unchanged) bounds the attempts at once across nodes.
     * Answers the bound in force.
     */
    public Future<Integer> setEndpoint(String systemId, String url, Integer maxConcurrency, String actor) {
        if (url != null) {
            checkUrl(url);
        }
        if (maxConcurrency != null && (maxConcurrency < 1 || maxConcurrency > MAX_CONCURRENCY)) {
            throw new RouterException(ErrorCode.INVALID_PARAMETER, "maxConcurrency must be between 1 and " + MAX_CONCURRENCY,
                    java.util.Map.of("parameter", "maxConcurrency"));
        }
        // Answered once this node's registry shows it, so that the caller reads back what it set.
        return pushes.setEndpoint(systemId, url, maxConcurrency, actor).map(limit ->
                limit.orElseThrow(() -> new RouterException(ErrorCode.NOT_FOUND, "no system " + systemId)))
                .compose(limit -> registry.refresh().map(limit));
    }

    public Future<Void> requeue(long deliveryId, String actor) {
        return pushes.requeue(deliveryId, actor).map(system -> {
            if (system.isEmpty()) {
                throw new RouterException(ErrorCode.NOT_FOUND, "no dead-lettered delivery " + deliveryId);
            }
            return null;
        });
    }

    public Future<List<PushRepository.Dead>> deadLetters(long after, int limit) {
        return pushes.dead(after, limit);
    }

    void checkUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
            if (url.length() > 2000 || !"https".equals(uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT))
                    || uri.getHost() == null || uri.getUserInfo() != null || uri.getFragment() != null || uri.getPort() > 65535) {
                throw new URISyntaxException(url,
                        "not an https URL with a host (and a port up to 65535), without user info or fragment");
            }
        } catch (URISyntaxException e) {
            throw new RouterException(ErrorCode.INVALID_PARAMETER, "the push endpoint must be an https:// URL: " + e.getReason(),
                    Map.of("parameter", "url"));
        }
        addresses.checkHost(uri.getHost());
    }
}
