package vn.edocaxis.signature;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import vn.edocaxis.edxml.EnvelopeReader;
import vn.edocaxis.edxml.PackageScanner;
import vn.edocaxis.edxml.XmlEventListener;
import vn.edocaxis.edxml.XmlLimits;
import vn.edocaxis.edxml.validation.PackageValidator;
import vn.edocaxis.support.PackageSigner;
import vn.edocaxis.support.TestPackages;

/**
 * The CPU one thread spends to check one intake-benchmark package in memory (no network, no
 * database): the single pass of {@link PackageScanner} with what intake hangs on it, in steps, so
 * that a change to the scanning code can be measured apart from the machine's noise. A benchmark
 * to run by hand, not a test:
 *
 * <pre>
 * mvn -q -pl router test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/cp.txt
 * java -cp router/target/test-classes:router/target/classes:$(cat router/target/cp.txt) vn.edocaxis.signature.ScanBench [rounds]
 * </pre>
 */
public final class ScanBench {

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Fixture pki = Fixture.PKI;
        byte[] attachment = new byte[3600]; // as IntakeBench: a 10 KB package
        new Random(1).nextBytes(attachment);
        // issued by the trust anchor itself: KeyInfo carries only the signer's certificate
        TestPki.Issued issued = TestPki.signer("Bench (RSA)", TestPki.rsa(2048), pki.root);
        PackageSigner signer = new PackageSigner(issued.keys().getPrivate(), issued.certificate());
        List<byte[]> packages = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            packages.add(signer.sign(TestPackages.document("000.00.00.G01", List.of("000.00.00.H01", "000.00.00.H02",
                    "000.00.00.H03"), "bench-" + i, attachment)));
        }
        System.out.printf(Locale.ROOT, "package: %d bytes (RSA-2048/SHA-256, exclusive c14n)%n", packages.get(0).length);
        String[] steps = {"scanner + SHA-256 of the bytes", "+ validation and envelope", "+ signature verification"};
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int round = 0; round < rounds; round++) {
            StringBuilder line = new StringBuilder("round " + round + ":");
            for (int step = 0; step < steps.length; step++) {
                int n = round == 0 ? 20_000 : 10_000;
                long cpu = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    check(packages.get(i & 63), step, pki.validator);
                }
                double micros = (threads.getCurrentThreadCpuTime() - cpu) / 1e3 / n;
                line.append(String.format(Locale.ROOT, "  [%s] %.1f µs", steps[step], micros));
            }
            System.out.println(line);
        }
    }

    private static void check(byte[] bytes, int step, CertificateValidator signers) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        List<XmlEventListener> listeners = new ArrayList<>();
        PackageValidator validator = new PackageValidator();
        EnvelopeReader envelope = new EnvelopeReader();
        StreamingSignatureVerifier verifier = new StreamingSignatureVerifier(signers);
        if (step >= 1) {
            listeners.add(validator);
            listeners.add(envelope);
        }
        if (step >= 2) {
            listeners.add(verifier);
        }
        PackageScanner scanner = new PackageScanner(XmlLimits.DEFAULT, listeners, sha256::update);
        scanner.feed(bytes, 0, bytes.length);
        scanner.end();
        sha256.digest();
        if (step >= 1) {
            validator.throwIfInvalid();
            envelope.header();
        }
        if (step >= 2 && verifier.result().status() != SignatureResult.Status.VALID) {
            throw new IllegalStateException(new String(bytes, 0, 200, StandardCharsets.UTF_8) + ": " + verifier.result());
        }
    }
}
