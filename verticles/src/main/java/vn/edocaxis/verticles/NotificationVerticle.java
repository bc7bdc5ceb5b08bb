package vn.edocaxis.verticles;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.edocaxis.service.DeliveryWakeups;
import vn.edocaxis.service.Registry;
import vn.edocaxis.store.Notifications;

/**
 * This node's ear on the database: {@code LISTEN edoc_delivery} wakes the long-polls, event
 * streams and push workers waiting here for the systems named; {@code LISTEN edoc_registry}
 * refreshes the registry snapshot after a change made on any node. The connection is re-made
 * when lost; on every (re)subscription everyone re-reads, so a gap in notifications costs a
 * re-read, never a missed delivery.
 */
public final class NotificationVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationVerticle.class);

    private final PgConnectOptions connect;
    private final DeliveryWakeups wakeups;
    private final Registry registry;
    private PgSubscriber subscriber;

    public NotificationVerticle(PgConnectOptions connect, DeliveryWakeups wakeups, Registry registry) {
        this.connect = connect;
        this.wakeups = wakeups;
        this.registry = registry;
    }

    private boolean listened;

    @Override
    public Future<?> start() {
        // Called when the connection is lost (attempt 0) and after each failed reconnection; the
        // subscriber's close handler, by contrast, only runs when it is closed for good (on stop).
        subscriber = PgSubscriber.subscriber(vertx, connect).reconnectPolicy(attempt -> {
            if (attempt % 60 == 0) {
                LOG.warn("no notification connection to the database; reconnecting every second (attempt {})", attempt + 1);
            }
            return 1000L;
        });
        subscriber.channel(Notifications.DELIVERY_CHANNEL)
                .handler(payload -> wakeups.wake(Notifications.systems(payload)))
                .subscribeHandler(v -> {
                    // again after a lost connection: the line operators look for once the database is back
                    LOG.info(listened ? "the database is reachable again: listening for deliveries" : "listening for deliveries");
                    listened = true;
                    wakeups.wakeAll();
                });
        subscriber.channel(Notifications.REGISTRY_CHANNEL)
                .handler(payload -> refreshRegistry())
                .subscribeHandler(v -> refreshRegistry());
        return subscriber.connect();
    }

    private void refreshRegistry() {
        registry.refresh().onFailure(e -> LOG.warn("registry refresh failed: {}", e.toString()));
    }

    @Override
    public Future<?> stop() {
        return subscriber.close();
    }
}
