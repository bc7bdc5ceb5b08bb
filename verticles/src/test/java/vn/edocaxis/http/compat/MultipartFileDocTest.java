package vn.edocaxis.http.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;

/** The streaming extraction of the file_doc part and the raw body, fed in every possible split. */
class MultipartFileDocTest {

    /** A request body as the server sees it: buffers pushed one by one, honouring pause. */
    static final class Source implements ReadStream<Buffer> {
        Handler<Buffer> handler;
        Handler<Void> endHandler;
        Handler<Throwable> exceptionHandler;
        boolean paused;

        @Override
        public Source exceptionHandler(Handler<Throwable> h) {
            exceptionHandler = h;
            return this;
        }

        @Override
        public Source handler(Handler<Buffer> h) {
            handler = h;
            return this;
        }

        @Override
        public Source pause() {
            paused = true;
            return this;
        }

        @Override
        public Source resume() {
            paused = false;
            return this;
        }

        @Override
        public Source fetch(long amount) {
            paused = false;
            return this;
        }

        @Override
        public Source endHandler(Handler<Void> h) {
            endHandler = h;
            return this;
        }
    }

    /** What a consumer received: the bytes, whether it ended, or the failure. */
    static final class Received {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean ended;
        Throwable failure;
    }

    static Received run(java.util.function.Function<Source, FilteredBody> make, byte[] request, int... cuts) {
        Source source = new Source();
        FilteredBody body = make.apply(source);
        Received got = new Received();
        body.exceptionHandler(e -> got.failure = e);
        body.endHandler(v -> got.ended = true);
        body.handler(b -> got.bytes.writeBytes(b.getBytes()));
        int from = 0;
        for (int cut : cuts) {
            source.handler.handle(Buffer.buffer(java.util.Arrays.copyOfRange(request, from, cut)));
            from = cut;
        }
        source.handler.handle(Buffer.buffer(java.util.Arrays.copyOfRange(request, from, request.length)));
        source.endHandler.handle(null);
        return got;
    }

    static byte[] multipart(String boundary, byte[] file, boolean otherParts) {
        StringBuilder head = new StringBuilder();
        if (otherParts) {
            head.append("preamble to be ignored\r\n--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"servicetype\"\r\n\r\neDoc\r\n");
        }
        head.append("--").append(boundary).append("  \r\n")
                .append("content-disposition: form-data; filename=\"a.edxml\"; name=file_doc\r\n")
                .append("Content-Type: application/octet-stream\r\n\r\n");
        String tail = "\r\n--" + boundary + (otherParts ? "\r\nContent-Disposition: form-data; name=\"file_doc\"\r\n\r\nsecond\r\n--"
                + boundary + "--\r\nepilogue" : "--\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] t = tail.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + file.length + t.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(file, 0, all, h.length, file.length);
        System.arraycopy(t, 0, all, h.length + file.length, t.length);
        return all;
    }

    /** A file full of near-delimiters: CRLFs, dashes and the boundary followed by other characters. */
    static byte[] trickyFile(String boundary) {
        String text = "<edXML>\r\n--\r\n-" + boundary + "\r\n--" + boundary.substring(0, 3) + "\r\n\r\n--" + boundary + "X-not-a-delimiter\r\n"
                + "\r\n--" + boundary + "\t\tstill-not\r\nTiếng Việt có dấu\r\n</edXML>\r\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theFilePartComesOutWholeWhereverTheBodyIsCut() {
        String boundary = "----vxpBoundary7MA4YWxkTrZu0gW";
        byte[] file = trickyFile(boundary);
        for (boolean others : new boolean[] {false, true}) {
            byte[] request = multipart(boundary, file, others);
            for (int cut = 0; cut <= request.length; cut++) {
                Received got = run(s -> new MultipartFileDoc(s, boundary, 1 << 20), request, cut);
                assertThat(got.failure).as("cut at " + cut).isNull();
                assertThat(got.ended).as("cut at " + cut).isTrue();
                assertThat(got.bytes.toByteArray()).as("cut at " + cut).isEqualTo(file);
            }
            int[] everyByte = new int[request.length - 1];
            for (int i = 0; i < everyByte.length; i++) {
                everyByte[i] = i + 1;
            }
            Received got = run(s -> new MultipartFileDoc(s, boundary, 1 << 20), request, everyByte);
            assertThat(got.bytes.toByteArray()).as("one byte at a time").isEqualTo(file);
        }
    }

    @Test
    void aLargeRandomFileInRandomPieces() {
        Random random = new Random(7);
        byte[] file = new byte[3 * 1024 * 1024];
        random.nextBytes(file);
        byte[] request = multipart("b0undary", file, true);
        List<Integer> cuts = new ArrayList<>();
        for (int at = random.nextInt(9000); at < request.length; at += 1 + random.nextInt(70_000)) {
            cuts.add(at);
        }
        Received got = run(s -> new MultipartFileDoc(s, "b0undary", 8 << 20), request,
                cuts.stream().mapToInt(Integer::intValue).toArray());
        assertThat(got.ended).isTrue();
        assertThat(got.bytes.toByteArray()).isEqualTo(file);
    }

    @Test
    void pausingTheConsumerPausesTheRequest() {
        Source source = new Source();
        MultipartFileDoc body = new MultipartFileDoc(source, "b", 1 << 20);
        List<String> events = new ArrayList<>();
        body.endHandler(v -> events.add("end"));
        body.handler(b -> {
            events.add(b.toString());
            if (events.size() == 1) {
                body.pause();
            }
        });
        source.handler.handle(Buffer.buffer("--b\r\nContent-Disposition: form-data; name=\"file_doc\"\r\n\r\nabcdefghij"));
        assertThat(source.paused).isTrue();
        source.handler.handle(Buffer.buffer("klmn\r\n--b--\r\n")); // already in flight when the pause was asked
        assertThat(events).hasSize(1);
        body.resume();
        // the last 4 bytes of a buffer wait: they could begin the delimiter "\r\n--b"
        assertThat(events).containsExactly("abcdef", "ghijklmn", "end");
        assertThat(source.paused).isFalse();
    }

    @Test
    void aBodyWithoutTheFileOrCutInsideItIsRefused() {
        Received none = run(s -> new MultipartFileDoc(s, "b", 1 << 20),
                "--b\r\nContent-Disposition: form-data; name=\"filename_doc\"\r\n\r\nx\r\n--b--\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(((RouterException) none.failure).code()).isEqualTo(ErrorCode.EMPTY_BODY);
        Received cut = run(s -> new MultipartFileDoc(s, "b", 1 << 20),
                "--b\r\nContent-Disposition: form-data; name=\"file_doc\"\r\n\r\n<edXML>".getBytes(StandardCharsets.US_ASCII));
        assertThat(((RouterException) cut.failure).code()).isEqualTo(ErrorCode.UPLOAD_INCOMPLETE);
        assertThat(cut.ended).isFalse();
        Received huge = run(s -> new MultipartFileDoc(s, "b", 1 << 20),
                ("--b\r\nX-Filler: " + "x".repeat(20_000)).getBytes(StandardCharsets.US_ASCII));
        assertThat(((RouterException) huge.failure).code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
        Received tooLong = run(s -> new MultipartFileDoc(s, "b", 100), new byte[200]);
        assertThat(((RouterException) tooLong.failure).code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
    }

    @Test
    void boundaryAndPartNameAreReadAsRfc7578Writes() {
        assertThat(MultipartFileDoc.boundary("multipart/form-data; boundary=abc")).isEqualTo("abc");
        assertThat(MultipartFileDoc.boundary("Multipart/Form-Data;charset=UTF-8; BOUNDARY=\"a b:c\"")).isEqualTo("a b:c");
        assertThat(MultipartFileDoc.boundary("application/octet-stream")).isNull();
        assertThat(MultipartFileDoc.boundary(null)).isNull();
        assertThatThrownBy(() -> MultipartFileDoc.boundary("multipart/form-data")).isInstanceOf(RouterException.class);
        assertThat(MultipartFileDoc.partName("Content-Disposition: form-data; name=\"file_doc\"; filename=\"x\"")).isEqualTo("file_doc");
        assertThat(MultipartFileDoc.partName("Content-Type: text/plain\r\ncontent-disposition: form-data; filename=\"name=x\"; name=file_doc"))
                .isEqualTo("file_doc");
        assertThat(MultipartFileDoc.partName("Content-Disposition: form-data; filename=\"file_doc\"")).isNull();
    }

    @Test
    void theRawBodyDropsOnlyTheSdksFinalCrlf() {
        byte[] file = "<edXML>\r\n</edXML>\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] sdk = "<edXML>\r\n</edXML>\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int cut = 0; cut <= sdk.length; cut++) {
            Received got = run(RawFileDoc::new, sdk, cut);
            assertThat(got.bytes.toByteArray()).as("cut at " + cut).isEqualTo(file);
            assertThat(got.ended).isTrue();
        }
        byte[] plain = "<edXML/>".getBytes(StandardCharsets.US_ASCII);
        assertThat(run(RawFileDoc::new, plain, 7).bytes.toByteArray()).isEqualTo(plain);
        assertThat(run(RawFileDoc::new, new byte[] {'\r', '\n'}).bytes.size()).isZero();
    }
}
