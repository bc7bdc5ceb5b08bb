package vn.edocaxis.http.compat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * The package sent as the whole request body. This is what the public SDK actually sends on
 * sendEdoc: its "multipart" writer puts the file's bytes and a CRLF in the body with
 * {@code Content-Type: application/octet-stream}, and no multipart framing. That one final CRLF
 * belongs to the SDK's framing, not to the file (whose SHA-256 the SDK sends), so it is not passed on.
 */
final class RawFileDoc extends FilteredBody {

    private Buffer held = Buffer.buffer();

    RawFileDoc(ReadStream<Buffer> request) {
        super(request);
    }

    @Override
    protected void onRequestData(Buffer data) {
        int n = data.length();
        if (n >= 2) {
            pass(held);
            pass(data.slice(0, n - 2));
            held = data.getBuffer(n - 2, n);
        } else {
            Buffer joined = held.copy().appendBuffer(data);
            pass(joined.slice(0, Math.max(0, joined.length() - 2)));
            held = joined.getBuffer(Math.max(0, joined.length() - 2), joined.length());
        }
    }

    @Override
    protected void onRequestEnd() {
        boolean framing = held.length() == 2 && held.getByte(0) == '\r' && held.getByte(1) == '\n';
        if (!framing) {
            pass(held);
        }
        complete();
    }
}
