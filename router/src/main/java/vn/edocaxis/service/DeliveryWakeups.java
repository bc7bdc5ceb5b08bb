package vn.edocaxis.service;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Who on this node waits for new deliveries of which system: long-polls and event streams. The
 * database notifies every node when deliveries commit ({@code LISTEN edoc_delivery}); the node's
 * listener calls {@link #wake}, and each waiter re-reads the database on its own context. Waking
 * carries no data, so a lost or duplicated wake-up can delay a waiter but never make it skip or
 * repeat a delivery.
 */
public final class DeliveryWakeups {

    private static final String ANY = "";
    private final ConcurrentHashMap<String, Set<Waiter>> bySystem = new ConcurrentHashMap<>();

    /** An interest, to cancel when the waiter goes away. */
    public interface Subscription {
        void cancel();
    }

    private final class Waiter implements Subscription {
        private final String systemId;
        private final Context context;
        private final Runnable action;
        private final Predicate<String> interest;
        private final AtomicBoolean scheduled = new AtomicBoolean();

        Waiter(String systemId, Context context, Runnable action, Predicate<String> interest) {
            this.systemId = systemId;
            this.context = context;
            this.action = action;
            this.interest = interest;
        }

        boolean wants(Collection<String> systemIds) {
            for (String id : systemIds) {
                if (interest.test(id)) {
                    return true;
                }
            }
            return false;
        }

        void wake() {
            // several wake-ups before the action runs collapse into one
            if (scheduled.compareAndSet(false, true)) {
                context.runOnContext(v -> {
                    scheduled.set(false);
                    action.run();
                });
            }
        }

        @Override
        public void cancel() {
            bySystem.computeIfPresent(systemId, (k, set) -> {
                set.remove(this);
                return set.isEmpty() ? null : set;
            });
        }
    }

    /** Runs {@code action} on the calling context after every wake-up for the system, until cancelled. */
    public Subscription onDelivery(String systemId, Runnable action) {
        return subscribe(systemId, action, id -> true);
    }

    /**
     * Runs {@code action} on the calling context after every wake-up that names a system
     * {@code interest} accepts, until cancelled (the push worker: systems with a push endpoint).
     * {@link #wakeAll} runs it regardless.
     */
    public Subscription onAnyDelivery(Predicate<String> interest, Runnable action) {
        return subscribe(ANY, action, interest);
    }

    private Subscription subscribe(String systemId, Runnable action, Predicate<String> interest) {
        Context context = Vertx.currentContext();
        if (context == null) {
            throw new IllegalStateException("subscribe from a Vert.x context");
        }
        Waiter waiter = new Waiter(systemId, context, action, interest);
        bySystem.computeIfAbsent(systemId, k -> ConcurrentHashMap.newKeySet()).add(waiter);
        return waiter;
    }

    /**
     * An armed one-shot wait: its future completes at the first wake-up for the system after this
     * call (even one that comes before anybody looks at the future), or fails never; cancel it if
     * it is not needed.
     */
    public Armed arm(String systemId) {
        Promise<Void> promise = Promise.promise();
        Subscription subscription = onDelivery(systemId, promise::tryComplete);
        return new Armed(promise.future(), subscription);
    }

    /** See {@link #arm}. */
    public record Armed(Future<Void> woken, Subscription subscription) {
        public void cancel() {
            subscription.cancel();
        }
    }

    public void wake(Collection<String> systemIds) {
        Set<Waiter> any = bySystem.get(ANY);
        if (any != null && !systemIds.isEmpty()) {
            for (Waiter waiter : any) {
                if (waiter.wants(systemIds)) {
                    waiter.wake();
                }
            }
        }
        for (String systemId : systemIds) {
            Set<Waiter> waiters = bySystem.get(systemId);
            if (waiters != null) {
                waiters.forEach(Waiter::wake);
            }
        }
    }

    /** After the notification channel was lost: everyone re-reads. */
    public void wakeAll() {
        bySystem.values().forEach(set -> set.forEach(Waiter::wake));
    }

    /** Waiters registered now, for the operator's metrics. */
    public int waiting() {
        return bySystem.values().stream().mapToInt(Set::size).sum();
    }
}
