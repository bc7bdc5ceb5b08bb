package vn.edocaxis.service;

import io.vertx.core.Future;
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
    private Future<RegistrySnapshot> refreshing;

    public Registry(RegistryRepository repository) {
        this.repository = repository;
    }

    public RegistrySnapshot snapshot() {
        return current.get();
    }

    /** Loads what changed since the current snapshot. Concurrent calls share one load in flight. */
    public synchronized Future<RegistrySnapshot> refresh() {
        if (refreshing != null && !refreshing.isComplete()) {
            return refreshing.compose(done -> refresh());
        }
        RegistrySnapshot base = current.get();
        refreshing = Future.all(repository.systems(), repository.certificates(), repository.allUnitsSince(base.version()))
                .map(all -> {
                    RegistrySnapshot next = base.with(all.resultAt(0), all.resultAt(1), all.resultAt(2));
                    current.set(next);
                    return next;
                });
        return refreshing;
    }
}
