package vn.edocaxis.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.edocaxis.signature.ManualSigner.C14N;
import static vn.edocaxis.signature.ManualSigner.EXC;
import static vn.edocaxis.signature.ManualSigner.RSA_SHA256;
import static vn.edocaxis.signature.ManualSigner.SHA256;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import vn.edocaxis.error.RouterException;
import vn.edocaxis.signature.ManualSigner.Form;
import vn.edocaxis.signature.ManualSigner.Spec;
import vn.edocaxis.signature.SignatureResult.Status;

/**
 * Small random edits of a signed package (seeded, so every run makes the same ones), checked
 * against Apache Santuario: the streaming verifier never throws anything but the scanner's
 * refusal of malformed XML, and whatever it calls valid Santuario verifies too (no edit it
 * accepts changes what was signed). The edits are the kind c14n must see through or must not:
 * whitespace, comments, processing instructions, namespace declarations, character references,
 * a changed or deleted character; half of them inside the Signature element.
 */
class MutationOracleTest {

    private static final List<String> SNIPPETS = List.of(" ", "\n", "\r\n", "\t", "<!--c-->", "<?p x?>", " xmlns:q=\"urn:q\"",
            " xmlns=\"\"", " xmlns=\"urn:d\"", "&#x20;", "&#13;", "&amp;", "<x/>", "<ds:x xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"/>",
            "<![CDATA[c]]>", "\"", "'", "=", "a", "é", "\uD83D\uDE00");

    @ParameterizedTest
    @EnumSource(value = Form.class, names = {"PREFIXED", "DEFAULT_NAMESPACE"})
    void whatTheVerifierAcceptsSantuarioVerifies(Form form) {
        Fixture pki = Fixture.PKI;
        Spec spec = Spec.of(form, EXC, RSA_SHA256, C14N, SHA256);
        String signed = new String(ManualSigner.sign(Documents.plain(1_000).replace(Documents.MARK, ManualSigner.template(spec)), spec,
                pki.rsa.keys().getPrivate(), pki.keyInfo(pki.rsa)), StandardCharsets.UTF_8);
        int signatureStart = signed.indexOf("Signature");
        int signatureEnd = signed.lastIndexOf("Signature>");
        Random random = new Random(form.ordinal() * 7919L + 1);
        int valid = 0;
        int refused = 0;
        for (int i = 0; i < 1_500; i++) {
            int at = random.nextBoolean() ? signatureStart + random.nextInt(signatureEnd - signatureStart)
                    : random.nextInt(signed.length());
            String mutated = switch (random.nextInt(3)) {
                case 0 -> signed.substring(0, at) + SNIPPETS.get(random.nextInt(SNIPPETS.size())) + signed.substring(at);
                case 1 -> signed.substring(0, at) + (char) (' ' + random.nextInt(95)) + signed.substring(at + 1);
                default -> signed.substring(0, at) + signed.substring(Math.min(signed.length(), at + 1 + random.nextInt(5)));
            };
            byte[] bytes = mutated.getBytes(StandardCharsets.UTF_8);
            SignatureResult result;
            try {
                result = pki.verify(bytes);
            } catch (RouterException malformed) {
                refused++;
                continue;
            }
            if (result.status() == Status.VALID) {
                valid++;
                assertThat(santuarioVerifies(bytes, pki))
                        .as("edit %d at %d is VALID here, so Santuario must verify it:%n%s", i, at, excerpt(mutated, at))
                        .isTrue();
            }
        }
        // the edits reach both outcomes: some are harmless to the signature, some are refused as XML
        assertThat(valid).isPositive();
        assertThat(refused).isPositive();
    }

    private static boolean santuarioVerifies(byte[] bytes, Fixture pki) {
        try {
            return Santuario.verifies(bytes, pki.rsa.certificate());
        } catch (IllegalStateException notVerifiable) {
            return false;
        }
    }

    private static String excerpt(String text, int at) {
        return text.substring(Math.max(0, at - 80), Math.min(text.length(), at + 80));
    }
}
