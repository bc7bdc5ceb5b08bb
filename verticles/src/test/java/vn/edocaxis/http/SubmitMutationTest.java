package vn.edocaxis.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.edocaxis.RouterFixture;
import vn.edocaxis.support.Samples;
import vn.edocaxis.support.TestPackages;

/**
 * Seeded random edits of real packages, sent over mutual TLS: every answer is a 201 or a 4xx with
 * a code, never a 5xx, and the database holds exactly the packages answered 201, each whole (its
 * chunks and its deliveries). Mutating the samples this way found three 500s: bad bytes inside
 * text, an element prefixed "xmlns", elements nested nine deep inside a Signature.
 */
class SubmitMutationTest {

    private static final Set<Integer> EXPECTED = Set.of(201, 400, 403, 409, 413, 422);
    private static final List<byte[]> SNIPPETS = List.of(utf8("<!DOCTYPE x [<!ENTITY a \"aa\">]>"), utf8("&a;"), utf8("&#0;"),
            utf8("&#xD800;"), utf8("<?pi x?>"), utf8("<![CDATA[x]]>"), new byte[] {0}, new byte[] {(byte) 0xFF, (byte) 0xFE},
            new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, new byte[] {(byte) 0xC0, (byte) 0x80}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            utf8("xmlns=\"urn:x\""), utf8("xmlns:edXML=\"urn:other\""), utf8(" a=\"1\" a=\"2\""), utf8("</edXML:MessageHeader>"),
            utf8("<edXML:To>"), utf8("\r\n"), utf8("]]>"), utf8("<"), utf8("\""), utf8("<a>".repeat(300)),
            utf8("<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"/>"));
    static RouterFixture router;

    @BeforeAll
    static void start() {
        // a small chunk size, so that the sample (369 KB) takes the streamed multi-chunk path
        router = RouterFixture.start(Map.of("storage.chunk-size", "64KiB"));
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    @Test
    void editedPackagesAreStoredWholeOrRefusedWithACode() {
        byte[] small = TestPackages.document("000.00.00.G22", List.of("000.00.00.H41", "000.00.00.H14"), "MUT-DOC");
        byte[] large = new String(Samples.bytes("edoc_update.edxml"), StandardCharsets.UTF_8)
                .replace("<edXML:BussinessDocType>2<", "<edXML:BussinessDocType>0<").getBytes(StandardCharsets.UTF_8);
        String largeId = "7816/VPCP";
        long documentsBefore = router.db.number("select count(*) from document");
        Random random = new Random(20261123);
        int created = 0;
        for (int i = 0; i < 400; i++) {
            boolean useLarge = i % 4 == 0;
            byte[] base = useLarge ? replace(large, largeId, "MUT" + i + "/VPCP") : replace(small, "MUT-DOC", "MUT-DOC-" + i);
            byte[] mutated = mutate(base, random);
            HttpResponse<Buffer> response = router.submit("vpcp", mutated);
            assertThat(response.statusCode()).as("edit %d: %s", i, response.bodyAsString()).isIn(EXPECTED);
            if (response.statusCode() == 201) {
                created++;
            } else {
                JsonObject body = response.bodyAsJsonObject();
                assertThat(body.getString("code")).as("edit %d", i).isNotBlank();
            }
        }
        assertThat(created).as("some edits leave a valid package").isPositive();
        assertThat(router.db.number("select count(*) from document") - documentsBefore).isEqualTo(created);
        assertThat(router.db.number("select count(*) from document d where chunk_count"
                + " <> (select count(*) from document_chunk c where c.document_id = d.id)")).isZero();
        assertThat(router.db.number("select count(*) from document d where kind = 'document'"
                + " and not exists (select 1 from delivery x where x.document_id = d.id)")).isZero();
    }

    private static byte[] mutate(byte[] base, Random random) {
        int at = random.nextInt(base.length);
        return switch (random.nextInt(5)) {
            case 0 -> {
                byte[] copy = base.clone();
                for (int k = random.nextInt(8); k >= 0; k--) {
                    copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
                }
                yield copy;
            }
            case 1 -> java.util.Arrays.copyOf(base, at);
            case 2 -> splice(base, at, 0, SNIPPETS.get(random.nextInt(SNIPPETS.size())));
            case 3 -> splice(base, at, Math.min(base.length - at, 1 + random.nextInt(200)), new byte[0]);
            default -> {
                int end = Math.min(base.length, at + 1 + random.nextInt(500));
                yield splice(base, end, 0, java.util.Arrays.copyOfRange(base, at, end));
            }
        };
    }

    private static byte[] splice(byte[] base, int at, int remove, byte[] insert) {
        byte[] out = new byte[base.length - remove + insert.length];
        System.arraycopy(base, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(base, at + remove, out, at + insert.length, base.length - at - remove);
        return out;
    }

    private static byte[] replace(byte[] bytes, String from, String to) {
        return new String(bytes, StandardCharsets.UTF_8).replace(from, to).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
