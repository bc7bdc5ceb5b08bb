package vn.edocaxis.http.compat;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayDeque;

/**
 * The package inside a request body, as a stream: a subclass reads the request's bytes and passes
 * on those of the package, and says when the package is complete, which may be before the request
 * ends (the rest is then read and dropped). Demand is honoured: the request is paused as soon as
 * the consumer pauses, and what one request buffer yielded meanwhile waits (at most a buffer and
 * the end). Confined to the request's context.
 */
abstract class FilteredBody implements ReadStream<Buffer> {

    private static final Object END = new Object();

    private final ReadStream<Buffer> source;
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;
    private long demand = Long.MAX_VALUE;
    private boolean sourcePaused = true; // the signature check paused the request
    private boolean delivering;
    private boolean finished;

    FilteredBody(ReadStream<Buffer> source) {
        this.source = source;
    }

    /** Reads the next bytes of the request; calls {@link #pass}, {@link #complete} or throws. */
    protected abstract void onRequestData(Buffer data);

    /** The request has ended; calls {@link #complete} or throws if the package is not whole. */
    protected abstract void onRequestEnd();

    protected final void pass(Buffer bytes) {
        if (bytes.length() > 0) {
            offer(bytes);
        }
    }

    protected final void complete() {
        offer(END);
    }

    @Override
    public FilteredBody handler(Handler<Buffer> handler) {
        this.handler = handler;
        if (handler != null) {
            source.exceptionHandler(this::failed);
            source.endHandler(v -> {
                if (!finished) {
                    try {
                        onRequestEnd();
                    } catch (RuntimeException e) {
                        failed(e);
                    }
                }
            });
            source.handler(data -> {
                if (!finished) {
                    try {
                        onRequestData(data);
                    } catch (RuntimeException e) {
                        failed(e);
                    }
                }
            });
            steer();
        }
        return this;
    }

    @Override
    public FilteredBody exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        return this;
    }

    @Override
    public FilteredBody endHandler(Handler<Void> handler) {
        this.endHandler = handler;
        return this;
    }

    @Override
    public FilteredBody pause() {
        demand = 0;
        steer();
        return this;
    }

    @Override
    public FilteredBody resume() {
        return fetch(Long.MAX_VALUE);
    }

    @Override
    public FilteredBody fetch(long amount) {
        demand = Long.MAX_VALUE - demand <= amount ? Long.MAX_VALUE : demand + amount;
        drain();
        return this;
    }

    private void offer(Object event) {
        waiting.add(event);
        drain();
    }

    private void drain() {
        if (!delivering) {
            delivering = true;
            try {
                while (!finished && demand > 0 && !waiting.isEmpty()) {
                    Object event = waiting.poll();
                    if (event == END) {
                        finished = true;
                        if (endHandler != null) {
                            endHandler.handle(null);
                        }
                    } else {
                        if (demand != Long.MAX_VALUE) {
                            demand--;
                        }
                        handler.handle((Buffer) event);
                    }
                }
            } finally {
                delivering = false;
            }
        }
        steer();
    }

    /** Pauses the request while the consumer has no demand; once the package is complete the rest flows and is dropped. */
    private void steer() {
        if (handler == null) {
            return;
        }
        boolean hold = !finished && (demand == 0 || !waiting.isEmpty());
        if (hold != sourcePaused) {
            sourcePaused = hold;
            if (hold) {
                source.pause();
            } else {
                source.resume();
            }
        }
    }

    private void failed(Throwable failure) {
        if (finished) {
            return;
        }
        finished = true;
        waiting.clear();
        if (exceptionHandler != null) {
            exceptionHandler.handle(failure);
        }
    }
}
