package vn.edocaxis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.RouterFixture.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.edocaxis.RouterFixture;
import vn.edocaxis.support.TestPackages;

/** The registry through the admin API (operator certificate only) and the directory every system reads. */
class AdminApiTest {

    static RouterFixture router;
    static WebClient operator;

    @BeforeAll
    static void start() {
        router = RouterFixture.start();
        operator = router.as("operator");
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    static JsonObject ok(HttpResponse<Buffer> response, int status) {
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
        return response.bodyAsJsonObject();
    }

    static void refused(HttpResponse<Buffer> response, int status, String code) {
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
        assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo(code);
    }

    /**
     * Text PostgreSQL cannot store as sent. These reached the database and came back as 503
     * DATABASE_UNAVAILABLE (send again: it never succeeds), or were stored altered (a lone
     * surrogate as "?"), or wrapped (a level over 2^31 as a negative number).
     */
    @Test
    void textTheDatabaseCannotStoreIsRefusedAndNothingIsWritten() throws Exception {
        String registry = "select count(*) || '/' || coalesce(sum(version), 0) || '/' || string_agg(name, '|' order by code)"
                + " from (select code, name, version from unit union all select id, name, version from connected_system) r";
        String before = router.db.text(registry);
        refused(await(operator.post("/v1/admin/systems").putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("{\"id\":\"nul-name\",\"name\":\"A\\u0000B\"}"))), 400, "INVALID_PARAMETER");
        refused(await(operator.patch("/v1/admin/systems/vpcp").putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("{\"name\":\"\\u0000\"}"))), 400, "INVALID_PARAMETER");
        refused(await(operator.patch("/v1/admin/units/000.00.00.G22").putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("{\"name\":\"x\\ud800y\"}"))), 400, "INVALID_PARAMETER");
        refused(await(operator.post("/v1/admin/units").putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("{\"code\":\"000.00.00.Z98\",\"name\":\"Z\",\"level\":99999999999,\"system\":\"vpcp\"}"))),
                400, "INVALID_PARAMETER");
        refused(await(operator.post("/v1/admin/units").putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("{\"code\":\"000.00.00.Z97\",\"name\":\"Z\",\"level\":1,\"system\":\"vpcp\","
                        + "\"extra\\u0000\":[{\"deep\":\"\\udc00\"}]}"))), 400, "INVALID_PARAMETER");
        refused(await(operator.get("/v1/admin/systems/%00").send()), 400, "INVALID_PARAMETER");
        refused(await(operator.get("/v1/admin/units/000.00.00.G22%00").send()), 400, "INVALID_PARAMETER");
        refused(await(operator.delete("/v1/admin/systems/vpcp/certificates/%00").send()), 400, "INVALID_PARAMETER");
        refused(await(router.as("nghean").get("/v1/inbox?unit=000.00.00.H41%00").send()), 400, "INVALID_PARAMETER");
        assertThat(router.db.text(registry)).isEqualTo(before);
        // a surrogate pair (an emoji) is a character like any other
        JsonObject renamed = ok(await(operator.patch("/v1/admin/units/000.00.00.G17").putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("{\"name\":\"H\u1ea3i Ph\u00f2ng \\ud83c\\udff3\"}"))), 200);
        assertThat(renamed.getString("name")).isEqualTo("Hải Phòng \ud83c\udff3");
    }

    @Test
    void operatorOnboardsASystemThatThenExchangesDocuments() throws Exception {
        JsonObject created = ok(await(operator.post("/v1/admin/systems")
                .sendJsonObject(new JsonObject().put("id", "quangninh").put("name", "UBND tỉnh Quảng Ninh").put("signaturePolicy", "require"))), 201);
        assertThat(created.getString("status")).isEqualTo("active");
        assertThat(created.getString("signaturePolicy")).isEqualTo("require");
        refused(await(operator.post("/v1/admin/systems").sendJsonObject(new JsonObject().put("id", "quangninh").put("name", "x"))),
                409, "ALREADY_EXISTS");

        router.pki.issueClient("quangninh", "CN=quangninh,O=UBND Quang Ninh");
        String pem = Files.readString(router.pkiDir().resolve("quangninh.crt"));
        JsonObject bound = ok(await(operator.post("/v1/admin/systems/quangninh/certificates")
                .putHeader("Content-Type", "application/x-pem-file").sendBuffer(Buffer.buffer(pem))), 201);
        assertThat(bound.getString("fingerprint")).hasSize(64);
        refused(await(operator.post("/v1/admin/systems/vpcp/certificates").putHeader("Content-Type", "application/x-pem-file")
                .sendBuffer(Buffer.buffer(pem))), 409, "CERT_ALREADY_BOUND");

        ok(await(operator.post("/v1/admin/units").sendJsonObject(new JsonObject().put("code", "000.00.00.H49")
                .put("name", "UBND Tỉnh Quảng Ninh").put("level", 1).put("system", "quangninh"))), 201);
        ok(await(operator.post("/v1/admin/units").sendJsonObject(new JsonObject().put("code", "000.01.00.H49")
                .put("name", "Sở Nội vụ Quảng Ninh").put("level", 2).put("parent", "000.00.00.H49").put("system", "quangninh"))), 201);

        JsonObject system = ok(await(operator.get("/v1/admin/systems/quangninh").send()), 200);
        assertThat(system.getJsonArray("units")).containsExactly("000.00.00.H49", "000.01.00.H49");
        assertThat(system.getJsonArray("certificates")).hasSize(1);

        Path base = router.pkiDir();
        WebClient quangninh = router.client(base.resolve("quangninh.crt"), base.resolve("quangninh.key"), HttpVersion.HTTP_1_1);
        try {
            JsonObject me = ok(await(quangninh.get("/v1/me").send()), 200);
            assertThat(me.getJsonObject("system").getString("id")).isEqualTo("quangninh");
            Buffer unsigned = Buffer.buffer(TestPackages.document("000.01.00.H49", List.of("000.00.00.G22"), "qn-1"));
            long rows = router.db.storedRows();
            refused(await(quangninh.post("/v1/documents").putHeader("Content-Type", "application/xml").sendBuffer(unsigned)),
                    422, "SIGNATURE_REQUIRED");
            assertThat(router.db.storedRows()).isEqualTo(rows);
            ok(await(operator.patch("/v1/admin/systems/quangninh").sendJsonObject(new JsonObject()
                    .put("signaturePolicy", "verify-if-present"))), 200);
            HttpResponse<Buffer> sent = await(quangninh.post("/v1/documents").putHeader("Content-Type", "application/xml")
                    .sendBuffer(unsigned));
            assertThat(sent.statusCode()).as(sent.bodyAsString()).isEqualTo(201);
            assertThat(sent.bodyAsJsonObject().getJsonObject("signature").getString("status")).isEqualTo("absent");

            // unbinding the certificate cuts the system off at once
            ok(await(operator.delete("/v1/admin/systems/quangninh/certificates/" + bound.getString("fingerprint")).send()), 204);
            refused(await(quangninh.get("/v1/inbox").send()), 403, "CERT_NOT_BOUND");
        } finally {
            quangninh.close();
        }
    }

    @Test
    void aUnitMovedToAnotherSystemTakesItsPendingDeliveriesAlong() {
        ok(await(operator.post("/v1/admin/units").sendJsonObject(new JsonObject().put("code", "000.02.00.H14")
                .put("name", "Sở Y tế Cao Bằng").put("level", 2).put("parent", "000.00.00.H14").put("system", "caobang"))), 201);
        JsonObject receipt = router.submit("vpcp", TestPackages.document("000.00.00.G22", List.of("000.02.00.H14"), "move-1")).bodyAsJsonObject();
        long delivery = receipt.getJsonArray("deliveries").getJsonObject(0).getLong("deliveryId");
        ok(await(operator.patch("/v1/admin/units/000.02.00.H14").sendJsonObject(new JsonObject().put("system", "nghean"))), 200);
        assertThat(await(router.as("caobang").get("/v1/deliveries/" + delivery + "/package").send()).statusCode()).isEqualTo(404);
        assertThat(await(router.as("nghean").get("/v1/deliveries/" + delivery + "/package").send()).statusCode()).isEqualTo(200);
    }

    @Test
    void eachOfABurstOfRegistryWritesIsVisibleWhenItIsAnswered() {
        // Concurrent writes share registry refreshes; each answer must still come after a refresh that sees it.
        List<io.vertx.core.Future<Boolean>> seen = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String code = String.format("000.%02d.31.H14", i);
            seen.add(operator.post("/v1/admin/units").sendJsonObject(new JsonObject().put("code", code)
                            .put("name", "Phòng " + i).put("level", 3).put("parent", "000.00.00.H14").put("system", "caobang"))
                    .compose(created -> {
                        assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
                        return operator.get("/v1/admin/systems/caobang").send();
                    })
                    .map(system -> system.bodyAsJsonObject().getJsonArray("units").contains(code)));
        }
        await(io.vertx.core.Future.all(seen));
        assertThat(seen).allSatisfy(f -> assertThat(f.result()).isTrue());
    }

    /** A misspelt optional field was dropped without a word while the rest was applied. */
    @Test
    void unknownFieldsAreRefusedByNameAndNothingChanges() {
        String registry = "select count(*) || '/' || coalesce(sum(version), 0) || '/' || string_agg(name, '|' order by code)"
                + " || '/' || string_agg(coalesce(push_url, '-'), '|' order by code)"
                + " from (select code, name, version, null as push_url from unit"
                + " union all select id, name, version, push_url from connected_system) r";
        String before = router.db.text(registry);
        HttpResponse<Buffer> typo = await(operator.patch("/v1/admin/units/000.00.00.G22")
                .sendJsonObject(new JsonObject().put("nmae", "Renamed")));
        refused(typo, 400, "INVALID_PARAMETER");
        assertThat(typo.bodyAsJsonObject().getString("message")).contains("unknown field nmae")
                .contains("name, parent, level, system, email, status");
        assertThat(typo.bodyAsJsonObject().getJsonObject("details").getJsonArray("unknownFields")).containsExactly("nmae");
        refused(await(operator.post("/v1/admin/systems").sendJsonObject(new JsonObject().put("id", "typo-sys").put("name", "T")
                .put("signaturePolcy", "off"))), 400, "INVALID_PARAMETER");
        refused(await(operator.patch("/v1/admin/systems/vpcp").sendJsonObject(new JsonObject().put("name", "VPCP 2")
                .put("retired", true))), 400, "INVALID_PARAMETER");
        refused(await(operator.post("/v1/admin/units").sendJsonObject(new JsonObject().put("code", "000.00.00.H52").put("name", "x")
                .put("level", 1).put("system", "vpcp").put("mobile", "0900000000"))), 400, "INVALID_PARAMETER");
        refused(await(operator.post("/v1/admin/systems/vpcp/certificates").sendJsonObject(new JsonObject().put("pem", "x")
                .put("format", "pem"))), 400, "INVALID_PARAMETER");
        refused(await(router.as("caobang").put("/v1/push-endpoint").sendJsonObject(new JsonObject()
                .put("url", "https://edoc.caobang.example/push").put("maxConcurency", 2))), 400, "INVALID_PARAMETER");
        JsonObject many = new JsonObject().put("name", "x");
        for (int i = 0; i < 60; i++) {
            many.put("k" + i, i);
        }
        HttpResponse<Buffer> wide = await(operator.patch("/v1/admin/units/000.00.00.G22").sendJsonObject(many));
        refused(wide, 400, "INVALID_PARAMETER");
        assertThat(wide.bodyAsJsonObject().getJsonObject("details").getInteger("count")).isEqualTo(60);
        assertThat(wide.bodyAsJsonObject().getJsonObject("details").getJsonArray("unknownFields")).hasSize(50);
        assertThat(router.db.text(registry)).isEqualTo(before);

        HttpResponse<Buffer> sent = router.submit("vpcp", TestPackages.document("000.00.00.G22", List.of("000.00.00.H14"), "typo-ack-1"));
        long delivery = sent.bodyAsJsonObject().getJsonArray("deliveries").getJsonObject(0).getLong("deliveryId");
        refused(await(router.as("caobang").post("/v1/deliveries/" + delivery + "/ack")
                .sendJsonObject(new JsonObject().put("result", "fail").put("reson", "unreadable"))), 400, "INVALID_PARAMETER");
        assertThat(router.db.text("select state from delivery where id = " + delivery)).isEqualTo("pending");
    }

    @Test
    void invalidRegistryInputIsRefusedWithTheField() {
        refused(await(operator.post("/v1/admin/systems").sendJsonObject(new JsonObject().put("id", "Bad Id!").put("name", "x"))),
                400, "INVALID_PARAMETER");
        refused(await(operator.post("/v1/admin/units").sendJsonObject(new JsonObject().put("code", "000.00.00.H4*")
                .put("name", "x").put("level", 1).put("system", "vpcp"))), 400, "INVALID_PARAMETER");
        refused(await(operator.post("/v1/admin/units").sendJsonObject(new JsonObject().put("code", "0".repeat(36))
                .put("name", "x").put("level", 1).put("system", "vpcp"))), 400, "INVALID_PARAMETER");
        refused(await(operator.post("/v1/admin/units").sendJsonObject(new JsonObject().put("code", "000.00.00.H50")
                .put("name", "x").put("level", 7).put("system", "vpcp"))), 400, "INVALID_PARAMETER");
        refused(await(operator.post("/v1/admin/units").sendJsonObject(new JsonObject().put("code", "000.00.00.H50")
                .put("name", "x").put("level", 1).put("system", "nobody"))), 409, "REGISTRY_CONFLICT");
        refused(await(operator.post("/v1/admin/units").sendJsonObject(new JsonObject().put("code", "000.00.00.H50")
                .put("name", "x").put("level", 2).put("parent", "999.99.99.Z99").put("system", "vpcp"))), 409, "REGISTRY_CONFLICT");
        refused(await(operator.post("/v1/admin/units").putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{not json"))),
                400, "INVALID_JSON");
        refused(await(operator.patch("/v1/admin/systems/nobody").sendJsonObject(new JsonObject().put("name", "x"))), 404, "NOT_FOUND");
        refused(await(operator.post("/v1/admin/systems/vpcp/certificates").putHeader("Content-Type", "application/x-pem-file")
                .sendBuffer(Buffer.buffer("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))), 400, "INVALID_PARAMETER");
        refused(await(operator.post("/v1/admin/systems/vpcp/certificates").putHeader("Content-Type", "application/x-pem-file")
                .sendBuffer(Buffer.buffer(read(router.pkiDir().resolve("ca.crt"))))), 400, "INVALID_PARAMETER");
        assertThat(router.db.number("select count(*) from unit where code = '000.00.00.H50'")).isZero();
    }

    @Test
    void adminNeedsTheOperatorCertificate() {
        WebClient agency = router.as("vpcp");
        refused(await(agency.get("/v1/admin/systems").send()), 403, "OPERATOR_ONLY");
        refused(await(agency.post("/v1/admin/units").sendJsonObject(new JsonObject().put("code", "000.00.00.H51")
                .put("name", "x").put("level", 1).put("system", "vpcp"))), 403, "OPERATOR_ONLY");
        refused(await(agency.patch("/v1/admin/systems/nghean").sendJsonObject(new JsonObject().put("status", "retired"))),
                403, "OPERATOR_ONLY");
        assertThat(router.db.number("select count(*) from connected_system where id = 'nghean' and status = 'active'")).isEqualTo(1);
        assertThat(router.db.number("select count(*) from unit where code = '000.00.00.H51'")).isZero();
    }

    @Test
    void directoryInFullAndChangedSinceAVersion() {
        JsonObject full = ok(await(router.as("haiphong").get("/v1/directory/units").addQueryParam("limit", "10000").send()), 200);
        JsonArray units = full.getJsonArray("units");
        assertThat(units.size()).isGreaterThanOrEqualTo(9);
        assertThat(full.getBoolean("more")).isFalse();
        long version = full.getLong("version");

        ok(await(operator.post("/v1/admin/units").sendJsonObject(new JsonObject().put("code", "000.03.00.G17")
                .put("name", "Sở Tư pháp Hải Phòng").put("level", 2).put("parent", "000.00.00.G17").put("system", "haiphong"))), 201);
        ok(await(operator.patch("/v1/admin/units/000.01.00.H14").sendJsonObject(new JsonObject().put("status", "retired"))), 404);
        ok(await(operator.patch("/v1/admin/units/000.00.01.H14").sendJsonObject(new JsonObject().put("status", "retired"))), 200);

        JsonObject changed = ok(await(router.as("haiphong").get("/v1/directory/units").addQueryParam("since", Long.toString(version)).send()), 200);
        assertThat(changed.getJsonArray("units")).extracting(o -> ((JsonObject) o).getString("code"))
                .containsExactly("000.03.00.G17", "000.00.01.H14");
        assertThat(changed.getJsonArray("units").getJsonObject(1).getString("status")).isEqualTo("retired");
        assertThat(changed.getLong("version")).isGreaterThan(version);

        JsonObject paged = ok(await(operator.get("/v1/directory/units").addQueryParam("limit", "2").send()), 200);
        assertThat(paged.getJsonArray("units")).hasSize(2);
        assertThat(paged.getBoolean("more")).isTrue();
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
