package vn.edocaxis.http;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One API verticle's stop, as its open event streams and long polls see it: when the verticle
 * stops they end at once (a stream ends cleanly, a long poll answers as if its wait had run out)
 * instead of holding the server's grace period ({@code api.shutdown-grace}) and being cut at its
 * end. Confined to the verticle's event loop, like the requests that use it.
 */
public final class Stopping {

    private final Set<Runnable> actions = new LinkedHashSet<>();
    private boolean stopped;

    /** Runs {@code action} when the verticle stops (at once if it has); the returned handle forgets it. */
    Runnable onStop(Runnable action) {
        if (stopped) {
            action.run();
            return () -> { };
        }
        actions.add(action);
        return () -> actions.remove(action);
    }

    /** Runs every registered action, once. */
    public void stop() {
        stopped = true;
        for (Runnable action : new ArrayList<>(actions)) {
            action.run();
        }
        actions.clear();
    }
}
