package vn.edocaxis.service;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicReference;
import vn.edocaxis.routing.RegistrySnapshot;
import vn.edocaxis.store.RegistryRepository;

/**
 * The current {@link RegistrySnapshot}, refreshed from the database after every registry change
 * (units incrementally, by directory version). Readers never wait: they take the current snapshot.
 */
public final class Registry {

    private final RegistryRepository repository;
    private final AtomicReference<RegistrySnapshot> current = new AtomicReference<>(RegistrySnapshot.empty());
    private Future<RegistrySnapshot> inFlight;
    private Promise<RegistrySnapshot> queued;

    public Registry(RegistryRepository repository) {
        this.repository = repository;
    }

    public RegistrySnapshot snapshot() {
        return current.get();
    }

    /**
     * Loads what changed since the current snapshot. A call made while a load is in flight gets the
     * next load, which starts when that one ends (so it sees every change committed before the
     * call); all calls made meanwhile share that next load, so a burst of registry writes costs two
     * loads, not one per write.
     */
    public synchronized Future<RegistrySnapshot> refresh() {
        if (inFlight == null || inFlight.isComplete()) {
            inFlight = load();
            return inFlight;
        }
        if (queued == null) {
            Promise<RegistrySnapshot> next = Promise.promise();
            queued = next;
            // may run at once, on this thread, if the load in flight has just ended
            inFlight.onComplete(previous -> startQueued(next));
            return next.future();
        }
        return queued.future();
    }

    private void startQueued(Promise<RegistrySnapshot> next) {
        Future<RegistrySnapshot> started;
        synchronized (this) {
            if (queued == next) {
                queued = null;
            }
            inFlight = load();
            started = inFlight;
        }
        started.onComplete(next);
    }

    private Future<RegistrySnapshot> load() {
        RegistrySnapshot base = current.get();
        return Future.all(repository.systems(), repository.certificates(), repository.allUnitsSince(base.version()))
                .map(all -> {
                    RegistrySnapshot next = base.with(all.resultAt(0), all.resultAt(1), all.resultAt(2));
                    current.set(next);
                    return next;
                });
    }
}
