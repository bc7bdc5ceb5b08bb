package vn.edocaxis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static vn.edocaxis.RouterFixture.await;


import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.edocaxis.DemoDirectory;
import vn.edocaxis.RouterFixture;
import vn.edocaxis.cli.DevPki;
import vn.edocaxis.support.Samples;
import vn.edocaxis.support.TestPackages;

/**
 * Every bad input of the submit path gets its stable error code, and leaves the database exactly
 * as it was: no document, chunk or delivery row.
 */
class SubmitRefusalsTest {

    static final long MAX = 512 * 1024;
    static RouterFixture router;
    long rowsBefore;

    @BeforeAll
    static void start() {
        router = RouterFixture.start(Map.of("api.max-package-size", Long.toString(MAX), "storage.chunk-size", "64KiB"));
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    @BeforeEach
    void countRows() {
        rowsBefore = router.db.storedRows();
    }

    void assertNothingStored() {
        assertThat(router.db.storedRows()).as("rows written by a refused submission").isEqualTo(rowsBefore);
    }

    static void assertRefused(HttpResponse<Buffer> response, int status, String code) {
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
        assertThat(response.getHeader("Content-Type")).startsWith("application/json");
        JsonObject body = response.bodyAsJsonObject();
        assertThat(body.getString("code")).isEqualTo(code);
        assertThat(body.getString("message")).isNotBlank();
    }

    static byte[] doc(String from, String... to) {
        return TestPackages.document(from, List.of(to), "refusal-" + System.nanoTime());
    }

    @Test
    void noClientCertificateFailsTheHandshake() {
        WebClient anonymous = router.client(null, null, HttpVersion.HTTP_1_1);
        try {
            assertThatThrownBy(() -> await(anonymous.post("/v1/documents").putHeader("Content-Type", "application/xml")
                    .sendBuffer(Buffer.buffer(doc("000.00.00.G22", "000.00.00.H41"))))).isInstanceOf(Exception.class);
        } finally {
            anonymous.close();
        }
        assertNothingStored();
    }

    @Test
    void certificateFromAnotherCaFailsTheHandshake(@TempDir Path other) throws Exception {
        DevPki.generate(other, DemoDirectory.systemIds()); // same names, different CA
        WebClient impostor = router.client(other.resolve("systems/vpcp.crt"), other.resolve("systems/vpcp.key"), HttpVersion.HTTP_1_1);
        try {
            assertThatThrownBy(() -> await(impostor.post("/v1/documents").putHeader("Content-Type", "application/xml")
                    .sendBuffer(Buffer.buffer(doc("000.00.00.G22", "000.00.00.H41"))))).isInstanceOf(Exception.class);
        } finally {
            impostor.close();
        }
        assertNothingStored();
    }

    @Test
    void certificateBoundToNoSystemIsRefusedBeforeTheBodyIsRead() {
        router.pki.issueClient("stray", "CN=stray,O=somewhere");
        Path stray = router.pkiDir();
        HttpClient client = router.clients.createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(stray.resolve(DevPki.CA_CERT).toString()))
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(stray.resolve("stray.crt").toString())
                        .setKeyPath(stray.resolve("stray.key").toString())));
        try {
            // The body never ends: the answer can only come if the router refuses before reading it.
            Answer answer = await(client.request(new RequestOptions().setMethod(HttpMethod.POST)
                            .setHost("localhost").setPort(router.apiPort()).setURI("/v1/documents")
                            .putHeader("Content-Type", "application/xml"))
                    .compose(request -> {
                        request.setChunked(true);
                        request.write(Buffer.buffer("<?xml version=\"1.0\"?><edXML>"));
                        return Answer.of(request.response());
                    }));
            assertThat(answer.status()).isEqualTo(403);
            assertThat(answer.json().getString("code")).isEqualTo("CERT_NOT_BOUND");
        } finally {
            client.close();
        }
        assertNothingStored();
    }

    @Test
    void certificateOfARetiredSystemIsRefused() {
        WebClient operator = router.as("operator");
        assertThat(await(operator.post("/v1/admin/systems").sendJsonObject(new JsonObject().put("id", "retiring").put("name", "Sắp nghỉ")))
                .statusCode()).isEqualTo(201);
        router.pki.issueClient("retiring", "CN=retiring,O=somewhere");
        String pem = read(router.pkiDir().resolve("retiring.crt"));
        assertThat(await(operator.post("/v1/admin/systems/retiring/certificates").putHeader("Content-Type", "application/x-pem-file")
                .sendBuffer(Buffer.buffer(pem))).statusCode()).isEqualTo(201);
        assertThat(await(operator.post("/v1/admin/units").sendJsonObject(new JsonObject().put("code", "000.00.00.Z99")
                .put("name", "Đơn vị sắp nghỉ").put("level", 1).put("system", "retiring"))).statusCode()).isEqualTo(201);
        WebClient retiring = router.client(router.pkiDir().resolve("retiring.crt"), router.pkiDir().resolve("retiring.key"), HttpVersion.HTTP_1_1);
        try {
            assertThat(await(retiring.get("/v1/inbox").send()).statusCode()).isEqualTo(200);
            assertThat(await(operator.patch("/v1/admin/systems/retiring").sendJsonObject(new JsonObject().put("status", "retired")))
                    .statusCode()).isEqualTo(200);
            rowsBefore = router.db.storedRows();
            assertRefused(await(retiring.post("/v1/documents").putHeader("Content-Type", "application/xml")
                    .sendBuffer(Buffer.buffer(doc("000.00.00.Z99", "000.00.00.H41")))), 403, "SYSTEM_RETIRED");
        } finally {
            retiring.close();
        }
        assertNothingStored();
    }

    @Test
    void senderUnitNotHostedByTheCaller() {
        HttpResponse<Buffer> response = router.submit("vpcp", doc("000.00.00.H41", "000.00.00.H14"));
        assertRefused(response, 403, "UNIT_NOT_HOSTED");
        assertThat(response.bodyAsJsonObject().getJsonObject("details").getString("unit")).isEqualTo("000.00.00.H41");
        assertNothingStored();
    }

    @Test
    void unknownRecipientIsNamed() {
        HttpResponse<Buffer> response = router.submit("vpcp", doc("000.00.00.G22", "000.00.00.H41", "999.99.99.X99"));
        assertRefused(response, 422, "RECIPIENT_UNKNOWN");
        assertThat(response.bodyAsJsonObject().getString("message")).contains("999.99.99.X99");
        assertThat(response.bodyAsJsonObject().getJsonObject("details").getJsonArray("units")).containsExactly("999.99.99.X99");
        assertNothingStored();
    }

    @Test
    void retiredRecipientIsNamed() {
        WebClient operator = router.as("operator");
        assertThat(await(operator.post("/v1/admin/units").sendJsonObject(new JsonObject().put("code", "000.00.99.G17")
                .put("name", "Đơn vị đã giải thể").put("level", 2).put("parent", "000.00.00.G17").put("system", "haiphong")))
                .statusCode()).isEqualTo(201);
        assertThat(await(operator.patch("/v1/admin/units/000.00.99.G17").sendJsonObject(new JsonObject().put("status", "retired")))
                .statusCode()).isEqualTo(200);
        rowsBefore = router.db.storedRows();
        HttpResponse<Buffer> response = router.submit("vpcp", doc("000.00.00.G22", "000.00.99.G17"));
        assertRefused(response, 422, "RECIPIENT_RETIRED");
        assertThat(response.bodyAsJsonObject().getString("message")).contains("000.00.99.G17");
        assertNothingStored();
    }

    @Test
    void notWellFormedXmlGivesLineAndColumn() {
        HttpResponse<Buffer> response = router.submit("vpcp",
                "<?xml version=\"1.0\"?>\n<edXML>\n  <edXMLEnvelope>\n</edXML>".getBytes(StandardCharsets.UTF_8));
        assertRefused(response, 400, "XML_MALFORMED");
        JsonObject details = response.bodyAsJsonObject().getJsonObject("details");
        assertThat(details.getInteger("line")).isEqualTo(4);
        assertThat(details.getInteger("column")).isPositive();
        assertThat(response.bodyAsJsonObject().getString("message")).startsWith("line 4, column");
        assertNothingStored();
    }

    /** Invalid UTF-8, a control character and {@code ]]>} inside text: each was a 500 once. */
    @Test
    void badBytesInsideTextAreMalformed() {
        byte[][] bad = {{(byte) 0xC3, (byte) 0x28}, {0x01}, "]]>".getBytes(StandardCharsets.US_ASCII)};
        for (byte[] b : bad) {
            byte[] pkg = doc("000.00.00.G22", "000.00.00.H41");
            byte[] marker = "</edXML:Content>".getBytes(StandardCharsets.UTF_8);
            int at = indexOf(pkg, marker);
            byte[] mutated = new byte[pkg.length + b.length];
            System.arraycopy(pkg, 0, mutated, 0, at);
            System.arraycopy(b, 0, mutated, at, b.length);
            System.arraycopy(pkg, at, mutated, at + b.length, pkg.length - at);
            HttpResponse<Buffer> response = router.submit("vpcp", mutated);
            assertRefused(response, 400, "XML_MALFORMED");
            assertThat(response.bodyAsJsonObject().getString("message")).startsWith("line ");
        }
        assertNothingStored();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("marker not in the package");
    }

    @Test
    void leadingGarbageSampleIsRefused() {
        assertRefused(router.submit("vpcp", Samples.bytes(Samples.LEADING_GARBAGE)), 400, "XML_MALFORMED");
        assertNothingStored();
    }

    @Test
    void floodsOfAttributesNamesOrPrefixesAreRefusedAsLimits() {
        // at 80,000 each kept the parser busy for seconds to a minute before these limits
        StringBuilder attributes = new StringBuilder("<edXML:edXMLEnvelope xmlns:edXML='http://www.mic.gov.vn/TBT/QCVN_102_2016'");
        for (int i = 0; i < 1_000; i++) {
            attributes.append(" a").append(i).append("='1'");
        }
        StringBuilder names = new StringBuilder("<edXML:edXMLEnvelope xmlns:edXML='http://www.mic.gov.vn/TBT/QCVN_102_2016'>");
        StringBuilder prefixes = new StringBuilder(names);
        for (int i = 0; i < 3_000; i++) {
            names.append("<e").append(i).append("/>");
            prefixes.append("<p").append(i).append(":e xmlns:p").append(i).append("='urn:x'/>");
        }
        Map<String, String> floods = Map.of("start tag has more than 256 attributes", attributes.append("/>").toString(),
                "more than 2048 distinct names", names.append("</edXML:edXMLEnvelope>").toString(),
                "more than 512 distinct namespace prefixes", prefixes.append("</edXML:edXMLEnvelope>").toString());
        floods.forEach((message, body) -> {
            HttpResponse<Buffer> response = router.submit("vpcp", body.getBytes(StandardCharsets.UTF_8));
            assertRefused(response, 400, "XML_LIMIT_EXCEEDED");
            assertThat(response.bodyAsJsonObject().getString("message")).contains(message);
        });
        assertNothingStored();
    }

    @Test
    void doctypeAndExternalEntitiesAreRefusedAndNeverFetched() {
        AtomicInteger fetched = new AtomicInteger();
        HttpServer bait = await(router.clients.createHttpServer().requestHandler(request -> {
            fetched.incrementAndGet();
            request.response().end("<!ENTITY x 'pwned'>");
        }).listen(0, "127.0.0.1"));
        try {
            String url = "http://127.0.0.1:" + bait.actualPort() + "/evil.dtd";
            String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE edXML [<!ENTITY % remote SYSTEM \"" + url + "\"> %remote;"
                    + " <!ENTITY file SYSTEM \"file:///etc/passwd\">]>\n<edXML>&file;</edXML>";
            assertRefused(router.submit("vpcp", xxe.getBytes(StandardCharsets.UTF_8)), 400, "XML_DOCTYPE_FORBIDDEN");
            String external = "<?xml version=\"1.0\"?>\n<!DOCTYPE edXML SYSTEM \"" + url + "\">\n<edXML/>";
            assertRefused(router.submit("vpcp", external.getBytes(StandardCharsets.UTF_8)), 400, "XML_DOCTYPE_FORBIDDEN");
            String laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol1 \"&lol;&lol;&lol;&lol;\">"
                    + "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;\">]><edXML>&lol2;</edXML>";
            assertRefused(router.submit("vpcp", laughs.getBytes(StandardCharsets.UTF_8)), 400, "XML_DOCTYPE_FORBIDDEN");
            assertThat(fetched).as("requests the router made for external entities").hasValue(0);
        } finally {
            bait.close();
        }
        assertNothingStored();
    }

    @Test
    void bodyOverTheMaximumIsRefusedWhileStreaming() {
        byte[] big = TestPackages.document("000.00.00.G22", List.of("000.00.00.H41"), "too-big", new byte[(int) MAX]);
        HttpClient client = systemClient("vpcp");
        try {
            // chunked, so no Content-Length tells the router the size in advance
            Answer answer = await(client.request(new RequestOptions().setMethod(HttpMethod.POST)
                            .setHost("localhost").setPort(router.apiPort()).setURI("/v1/documents")
                            .putHeader("Content-Type", "application/xml"))
                    .compose(request -> {
                        request.setChunked(true);
                        for (int off = 0; off < big.length; off += 8192) {
                            request.write(Buffer.buffer(java.util.Arrays.copyOfRange(big, off, Math.min(big.length, off + 8192))));
                        }
                        request.end();
                        return Answer.of(request.response());
                    }));
            assertThat(answer.status()).isEqualTo(413);
            assertThat(answer.json().getString("code")).isEqualTo("PAYLOAD_TOO_LARGE");
        } finally {
            client.close();
        }
        assertNothingStored();
        // with a Content-Length the refusal comes before the body is sent
        assertRefused(router.submit("vpcp", big), 413, "PAYLOAD_TOO_LARGE");
        assertNothingStored();
    }

    @Test
    void emptyBodyIsRefused() {
        assertRefused(router.submit("vpcp", new byte[0]), 400, "EMPTY_BODY");
        HttpClient client = systemClient("vpcp");
        try {
            Answer answer = await(client.request(new RequestOptions().setMethod(HttpMethod.POST)
                            .setHost("localhost").setPort(router.apiPort()).setURI("/v1/documents")
                            .putHeader("Content-Type", "application/xml"))
                    .compose(request -> {
                        request.setChunked(true);
                        request.end();
                        return Answer.of(request.response());
                    }));
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.json().getString("code")).isEqualTo("EMPTY_BODY");
        } finally {
            client.close();
        }
        assertNothingStored();
    }

    @Test
    void wrongOrMissingContentTypeIsRefused() {
        byte[] body = doc("000.00.00.G22", "000.00.00.H41");
        assertRefused(await(router.as("vpcp").post("/v1/documents").putHeader("Content-Type", "text/plain")
                .sendBuffer(Buffer.buffer(body))), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertRefused(await(router.as("vpcp").post("/v1/documents").sendBuffer(Buffer.buffer(body))), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertRefused(await(router.as("vpcp").post("/v1/documents").putHeader("Content-Type", "application/x-www-form-urlencoded")
                .sendBuffer(Buffer.buffer(body))), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertNothingStored();
    }

    @Test
    void contentCodedBodiesAreRefusedBeforeTheyAreRead() throws Exception {
        byte[] body = doc("000.00.00.G22", "000.00.00.H41");
        java.io.ByteArrayOutputStream gzipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gzipped)) {
            out.write(body);
        }
        HttpResponse<Buffer> gzip = await(router.as("vpcp").post("/v1/documents").putHeader("Content-Type", "application/xml")
                .putHeader("Content-Encoding", "gzip").sendBuffer(Buffer.buffer(gzipped.toByteArray())));
        assertRefused(gzip, 415, "UNSUPPORTED_CONTENT_ENCODING");
        assertThat(gzip.bodyAsJsonObject().getJsonObject("details").getString("contentEncoding")).isEqualTo("gzip");
        // plain bytes that parse, declared encoded: not stored as if the header were absent
        assertRefused(await(router.as("vpcp").post("/v1/documents").putHeader("Content-Type", "application/xml")
                .putHeader("Content-Encoding", "br").sendBuffer(Buffer.buffer(body))), 415, "UNSUPPORTED_CONTENT_ENCODING");
        assertRefused(await(router.as("vpcp").post("/v1/documents").putHeader("Content-Type", "application/xml")
                .putHeader("Content-Encoding", "identity, deflate").sendBuffer(Buffer.buffer(body))), 415,
                "UNSUPPORTED_CONTENT_ENCODING");
        // a transfer coding HTTP/1.1 would not decode (it only dechunks): its bytes would reach the parser as they are
        String xml = new String(body, StandardCharsets.UTF_8);
        String gzipChunked = "POST /v1/documents HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/xml\r\n"
                + "Transfer-Encoding: gzip, chunked\r\n\r\n" + Integer.toHexString(body.length) + "\r\n" + xml + "\r\n0\r\n\r\n";
        assertRawRefusal(rawExchange(gzipChunked), 501, "UNSUPPORTED_TRANSFER_ENCODING");
        // small JSON bodies go through the same check
        assertRefused(await(router.as("nghean").post("/v1/deliveries/1/ack").putHeader("Content-Type", "application/json")
                .putHeader("Content-Encoding", "gzip").sendBuffer(Buffer.buffer("{\"result\":\"done\"}"))), 415,
                "UNSUPPORTED_CONTENT_ENCODING");
        assertNothingStored();

        HttpResponse<Buffer> identity = await(router.as("vpcp").post("/v1/documents").putHeader("Content-Type", "application/xml")
                .putHeader("Content-Encoding", "identity").sendBuffer(Buffer.buffer(body)));
        assertThat(identity.statusCode()).as(identity.bodyAsString()).isEqualTo(201);
    }

    @Test
    void clientThatDisconnectsMidUploadLeavesNothing() throws Exception {
        // Large enough for several chunks: some are written when the client leaves.
        byte[] big = TestPackages.document("000.00.00.G22", List.of("000.00.00.H41"), "cut-off", new byte[150 * 1024]);
        int sent = big.length - 1000;
        long chunksBefore = router.db.number("select count(*) from document_chunk");
        NetSocket socket = rawConnection();
        String head = "POST /v1/documents HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/xml\r\n"
                + "Content-Length: " + big.length + "\r\n\r\n";
        // (each step named: this test failed once in a full run with "Connection was closed" and no trace of where)
        step("write the head", () -> await(socket.write(Buffer.buffer(head))));
        step("write all but 1,000 bytes of the body", () -> await(socket.write(Buffer.buffer(java.util.Arrays.copyOf(big, sent)))));
        RouterFixture.eventually("chunks of the upload written", () -> router.db.number("select count(*) from document_chunk") > chunksBefore);
        step("close the connection", () -> await(socket.close()));

        RouterFixture.eventually("the broken upload removed", () -> router.db.number("select count(*) from upload_in_progress") == 0
                && router.db.storedRows() == rowsBefore);
        assertThat(openTransactions()).as("transactions left open by the broken upload").isZero();
        assertNothingStored();
        // and the connection it held went back to the pool: a large upload still works
        step("submit the package whole", () -> assertThat(router.submit("vpcp", big).statusCode()).isEqualTo(201));
    }

    static void step(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            throw new AssertionError(what + ": " + e, e);
        }
    }

    @Test
    void unknownPathsAndMethodsAnswerInJson() {
        assertRefused(await(router.as("vpcp").get("/v1/nothing-here").send()), 404, "NOT_FOUND");
        assertRefused(await(router.as("vpcp").delete("/v1/documents").send()), 405, "METHOD_NOT_ALLOWED");
        assertRefused(await(router.as("operator").get("/v1/inbox").send()), 403, "SYSTEM_ONLY");
        assertRefused(await(router.as("operator").post("/v1/documents").putHeader("Content-Type", "application/xml")
                .sendBuffer(Buffer.buffer(doc("000.00.00.G22", "000.00.00.H41")))), 403, "SYSTEM_ONLY");
        assertNothingStored();
    }

    @Test
    void requestsThatCannotBeDecodedAreRefusedInJsonAndTheConnectionClosed() throws Exception {
        double malformedBefore = refusals("HTTP_MALFORMED");
        String xml = new String(doc("000.00.00.G22", "000.00.00.H41"), StandardCharsets.UTF_8);
        int length = xml.getBytes(StandardCharsets.UTF_8).length;
        String twoLengths = "POST /v1/documents HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/xml\r\nContent-Length: "
                + length + "\r\nContent-Length: " + (length + 1) + "\r\n\r\n" + xml;
        assertRawRefusal(rawExchange(twoLengths), 400, "HTTP_MALFORMED");
        String negative = "POST /v1/documents HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/xml\r\nContent-Length: -5\r\n\r\n";
        assertRawRefusal(rawExchange(negative), 400, "HTTP_MALFORMED");
        // HTTP/1.1 without Host (Vert.x Web refuses it with a cause: it was answered 500 INTERNAL_ERROR)
        assertRawRefusal(rawExchange("GET /v1/me HTTP/1.1\r\nConnection: close\r\n\r\n"), 400, "INVALID_PARAMETER");
        // a % that starts no percent-encoded byte: a 500 in a query, a plain-text 400 (and an ERROR log) in a path
        for (String uri : List.of("/v1/inbox?unit=%zz", "/v1/deliveries/%zz/package", "/v1/inbox?unit=abc%", "/v1/inbox?unit=%4")) {
            assertRawRefusal(rawExchange("GET " + uri + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 400,
                    "INVALID_PARAMETER");
        }
        String longLine = "GET /v1/me?" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
        assertRawRefusal(rawExchange(longLine), 414, "URI_TOO_LONG");
        String bigHeaders = "GET /v1/me HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + "b".repeat(20_000) + "\r\n\r\n";
        assertRawRefusal(rawExchange(bigHeaders), 431, "HEADERS_TOO_LARGE");
        assertNothingStored();
        assertThat(refusals("HTTP_MALFORMED") - malformedBefore).as("counted in edoc_refusals_total").isEqualTo(2.0);
    }

    double refusals(String code) {
        String scrape = router.metrics();
        String series = "edoc_refusals_total{api=\"native\",code=\"" + code + "\"} ";
        return scrape.lines().filter(l -> l.startsWith(series)).mapToDouble(l -> Double.parseDouble(l.substring(series.length())))
                .findFirst().orElse(0.0);
    }

    /** A mutual-TLS connection as vpcp, for writing HTTP by hand. */
    NetSocket rawConnection() {
        return router.rawConnection("vpcp");
    }

    /** Writes {@code request} on a new mutual-TLS connection as vpcp and reads until the router closes it. */
    String rawExchange(String request) throws Exception {
        NetSocket socket = rawConnection();
        Buffer received = Buffer.buffer();
        java.util.concurrent.CompletableFuture<String> closed = new java.util.concurrent.CompletableFuture<>();
        socket.handler(received::appendBuffer);
        socket.closeHandler(v -> closed.complete(received.toString(StandardCharsets.UTF_8)));
        // Not awaited: the router may answer and close before this write's completion is reported, which
        // fails the write with "Connection was closed" (seen on a loaded machine); what counts is the answer.
        socket.write(Buffer.buffer(request));
        // the router closes the connection after its answer: a timeout here means it did not
        return closed.get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    static void assertRawRefusal(String response, int status, String code) {
        // HTTP/1.0 when the request line itself could not be read (its version is unknown)
        assertThat(response).as(response).matches("(?s)HTTP/1\\.[01] " + status + " .*");
        int body = response.indexOf("\r\n\r\n");
        assertThat(response.substring(0, body).toLowerCase(java.util.Locale.ROOT)).contains("content-type: application/json");
        JsonObject json = new JsonObject(response.substring(body + 4));
        assertThat(json.getString("code")).isEqualTo(code);
        assertThat(json.getString("message")).isNotBlank();
    }

    /** A response read whole inside the event loop (a body handler set later could miss the data). */
    record Answer(int status, Buffer body) {
        static Future<Answer> of(Future<HttpClientResponse> response) {
            return response.compose(r -> r.body().map(b -> new Answer(r.statusCode(), b)));
        }

        JsonObject json() {
            return body.toJsonObject();
        }
    }

    long openTransactions() {
        return router.db.number("select count(*) from pg_stat_activity where datname = current_database()"
                + " and state like 'idle in transaction%' and pid <> pg_backend_pid()");
    }

    HttpClient systemClient(String system) {
        Path systems = router.pkiDir().resolve(DevPki.SYSTEMS_DIR);
        return router.clients.createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(router.pkiDir().resolve(DevPki.CA_CERT).toString()))
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(systems.resolve(system + ".crt").toString())
                        .setKeyPath(systems.resolve(system + ".key").toString())));
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
