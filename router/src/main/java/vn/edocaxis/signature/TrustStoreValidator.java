package vn.edocaxis.signature;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.cert.CRL;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Trusts signer certificates that chain, through the certificates found in KeyInfo, to one of the
 * configured trust anchors, validated with BouncyCastle's PKIX path validator at the clock's
 * instant: validity of every certificate, basic constraints and key usage of the CAs, and
 * revocation against CRLs read from files (never fetched from the network). The signer itself
 * needs digitalSignature or nonRepudiation when it has a key usage extension.
 *
 * <p>Trust anchors come from one PEM bundle; CRLs from PEM or DER files, a directory standing for
 * every regular file in it. {@link #reload()} re-reads them all and swaps the new material in
 * atomically; if anything fails to load, the old material stays and the reason is returned. The
 * constructor loads once and fails loudly. Thread-safe.
 */
public final class TrustStoreValidator implements CertificateValidator {

    /** What to do when no CRL covers a certificate of the chain. */
    public enum RevocationPolicy {
        /** Every certificate of the chain must be covered by a current CRL from its issuer (PKIX revocation checking). */
        REQUIRE_CRL,
        /** Certificates are checked against the CRLs loaded for their issuer; an issuer without CRL is not an error. */
        CHECK_IF_AVAILABLE
    }

    /** The outcome of a {@link #reload()}. */
    public record ReloadResult(boolean reloaded, String message, int trustAnchors, int crls) {
    }

    private record Material(List<X509Certificate> anchors, List<X509CRL> crls, CertStore crlStore,
                            Map<String, Verdict> verdicts) {
    }

    /** A path validation outcome, reused until it may no longer hold. */
    private record Verdict(Optional<Failure> failure, Instant until) {
    }

    // Path validation (PKIX, CRL signatures) costs far more than the rest of a package's check, and
    // a system signs with a handful of certificates: verdicts are kept a short while, at most until
    // a certificate of the path expires, and dropped whenever the trust material is reloaded.
    private static final Duration VERDICT_LIFETIME = Duration.ofSeconds(60);
    private static final int MAX_VERDICTS = 10_000;

    private static final Provider BC = new BouncyCastleProvider();
    private static final int MAX_PATH = 10;

    private final Path trustAnchorsFile;
    private final List<Path> crlSources;
    private final RevocationPolicy policy;
    private final Clock clock;
    private final AtomicReference<Material> material = new AtomicReference<>();

    /**
     * @throws IllegalStateException if the trust anchors or CRLs cannot be loaded
     */
    public TrustStoreValidator(Path trustAnchorsFile, List<Path> crlSources, RevocationPolicy policy, Clock clock) {
        this.trustAnchorsFile = trustAnchorsFile;
        this.crlSources = List.copyOf(crlSources);
        this.policy = policy;
        this.clock = clock;
        try {
            material.set(load());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("cannot load the signature trust material: " + e.getMessage(), e);
        }
    }

    /** Re-reads the trust anchors and CRLs; on any failure keeps the current material. */
    public ReloadResult reload() {
        try {
            Material loaded = load();
            material.set(loaded);
            return new ReloadResult(true, "loaded " + loaded.anchors.size() + " trust anchors and " + loaded.crls.size() + " CRLs",
                    loaded.anchors.size(), loaded.crls.size());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            Material current = material.get();
            return new ReloadResult(false, "kept the previous trust material: " + e.getMessage(),
                    current.anchors.size(), current.crls.size());
        }
    }

    private Material load() throws IOException, GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509", BC);
        List<X509Certificate> anchors = new ArrayList<>();
        try (InputStream in = Files.newInputStream(trustAnchorsFile)) {
            for (Certificate c : factory.generateCertificates(in)) {
                anchors.add((X509Certificate) c);
            }
        }
        if (anchors.isEmpty()) {
            throw new GeneralSecurityException("no certificate in " + trustAnchorsFile);
        }
        List<X509CRL> crls = new ArrayList<>();
        for (Path file : crlFiles()) {
            Collection<? extends CRL> read;
            try (InputStream in = Files.newInputStream(file)) {
                read = factory.generateCRLs(in);
            }
            if (read.isEmpty()) {
                throw new GeneralSecurityException("no CRL in " + file);
            }
            for (CRL crl : read) {
                crls.add((X509CRL) crl);
            }
        }
        CertStore store = CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls), BC);
        return new Material(List.copyOf(anchors), List.copyOf(crls), store, new ConcurrentHashMap<>());
    }

    private List<Path> crlFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path source : crlSources) {
            if (Files.isDirectory(source)) {
                try (Stream<Path> entries = Files.list(source)) {
                    entries.filter(Files::isRegularFile)
                            .filter(p -> !p.getFileName().toString().startsWith("."))
                            .sorted()
                            .forEach(files::add);
                }
            } else if (Files.isRegularFile(source)) {
                files.add(source);
            } else {
                throw new IOException("no CRL file or directory " + source);
            }
        }
        return files;
    }

    @Override
    public Optional<Failure> validate(X509Certificate signer, List<X509Certificate> intermediates) {
        Material m = material.get();
        Instant now = clock.instant();
        String key = verdictKey(signer, intermediates);
        Verdict known = m.verdicts().get(key);
        if (known != null && now.isBefore(known.until())) {
            return known.failure();
        }
        Optional<Failure> failure = check(m, now, signer, intermediates);
        Instant until = now.plus(VERDICT_LIFETIME);
        for (X509Certificate c : intermediates) {
            until = min(until, c.getNotAfter().toInstant());
        }
        until = min(until, signer.getNotAfter().toInstant());
        if (m.verdicts().size() >= MAX_VERDICTS) {
            m.verdicts().clear();
        }
        m.verdicts().put(key, new Verdict(failure, until));
        return failure;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static String verdictKey(X509Certificate signer, List<X509Certificate> intermediates) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(signer.getEncoded());
            for (X509Certificate c : intermediates) {
                digest.update(c.getEncoded());
            }
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<Failure> check(Material m, Instant now, X509Certificate signer, List<X509Certificate> intermediates) {
        Date date = Date.from(now);
        String who = describe(signer);

        Optional<Failure> validity = validity(signer, date, who);
        if (validity.isPresent()) {
            return validity;
        }
        boolean[] keyUsage = signer.getKeyUsage();
        if (keyUsage != null && !(keyUsage[0] || (keyUsage.length > 1 && keyUsage[1]))) {
            return fail(SignatureReason.CERTIFICATE_KEY_USAGE,
                    "the signer certificate " + who + " allows neither digitalSignature nor nonRepudiation");
        }
        if (m.anchors.contains(signer)) {
            return Optional.empty();
        }

        List<X509Certificate> path = new ArrayList<>();
        path.add(signer);
        X509Certificate anchor = null;
        X509Certificate current = signer;
        while (anchor == null) {
            anchor = issuerAmong(current, m.anchors, List.of());
            if (anchor != null) {
                break;
            }
            X509Certificate next = path.size() < MAX_PATH ? issuerAmong(current, intermediates, path) : null;
            if (next == null) {
                return fail(SignatureReason.CERTIFICATE_UNTRUSTED, "no trust anchor or KeyInfo certificate issued "
                        + describe(current) + " (issuer " + current.getIssuerX500Principal().getName() + ")");
            }
            path.add(next);
            current = next;
        }

        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509", BC);
            CertPath certPath = factory.generateCertPath(path);
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
            params.setDate(date);
            params.setRevocationEnabled(policy == RevocationPolicy.REQUIRE_CRL);
            params.addCertStore(m.crlStore);
            CertPathValidator.getInstance("PKIX", BC).validate(certPath, params);
        } catch (CertPathValidatorException e) {
            return Optional.of(classify(e, path, anchor, m, date));
        } catch (GeneralSecurityException e) {
            return fail(SignatureReason.CERTIFICATE_UNTRUSTED, "the path of " + who + " cannot be validated: " + e.getMessage());
        }
        if (policy == RevocationPolicy.CHECK_IF_AVAILABLE) {
            for (int i = 0; i < path.size(); i++) {
                X509Certificate issuer = i + 1 < path.size() ? path.get(i + 1) : anchor;
                X509CRLEntry revoked = revocation(path.get(i), issuer, m, date);
                if (revoked != null) {
                    return fail(SignatureReason.CERTIFICATE_REVOKED, revokedMessage(path.get(i), revoked));
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Failure> validity(X509Certificate certificate, Date date, String who) {
        try {
            certificate.checkValidity(date);
            return Optional.empty();
        } catch (CertificateExpiredException e) {
            return fail(SignatureReason.CERTIFICATE_EXPIRED, "certificate " + who + " expired on " + certificate.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            return fail(SignatureReason.CERTIFICATE_NOT_YET_VALID,
                    "certificate " + who + " is not valid before " + certificate.getNotBefore().toInstant());
        }
    }

    /** A certificate among {@code candidates} (not in {@code exclude}) whose key verifies {@code child}. */
    private static X509Certificate issuerAmong(X509Certificate child, List<X509Certificate> candidates, List<X509Certificate> exclude) {
        for (X509Certificate candidate : candidates) {
            if (!exclude.contains(candidate) && candidate.getSubjectX500Principal().equals(child.getIssuerX500Principal())) {
                try {
                    child.verify(candidate.getPublicKey());
                    return candidate;
                } catch (GeneralSecurityException | RuntimeException e) {
                    // same name, other key: keep looking
                }
            }
        }
        return null;
    }

    /** Names the failure the PKIX validator reported, checking the certificate it points at. */
    private static Failure classify(CertPathValidatorException e, List<X509Certificate> path, X509Certificate anchor,
                                    Material m, Date date) {
        int index = e.getIndex();
        X509Certificate at = index >= 0 && index < path.size() ? path.get(index) : path.get(0);
        String who = describe(at);
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return new Failure(SignatureReason.CERTIFICATE_EXPIRED, "certificate " + who + " expired on " + at.getNotAfter().toInstant());
            }
            if (t instanceof CertificateNotYetValidException) {
                return new Failure(SignatureReason.CERTIFICATE_NOT_YET_VALID,
                        "certificate " + who + " is not valid before " + at.getNotBefore().toInstant());
            }
        }
        if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
            return new Failure(SignatureReason.CERTIFICATE_EXPIRED, "certificate " + who + " has expired");
        }
        if (e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
            return new Failure(SignatureReason.CERTIFICATE_NOT_YET_VALID, "certificate " + who + " is not valid yet");
        }
        int i = path.indexOf(at);
        X509Certificate issuer = i + 1 < path.size() ? path.get(i + 1) : anchor;
        X509CRLEntry revoked = revocation(at, issuer, m, date);
        if (e.getReason() == CertPathValidatorException.BasicReason.REVOKED || revoked != null) {
            return new Failure(SignatureReason.CERTIFICATE_REVOKED,
                    revoked != null ? revokedMessage(at, revoked) : "certificate " + who + " is revoked");
        }
        String message = String.valueOf(e.getMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        if (e.getReason() == CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS
                || lower.contains("no crls found") || lower.contains("no valid crl")) {
            return new Failure(SignatureReason.CERTIFICATE_REVOCATION_UNKNOWN,
                    "no current CRL from its issuer covers certificate " + who + ": " + message);
        }
        return new Failure(SignatureReason.CERTIFICATE_UNTRUSTED, "the path of certificate " + who + " is not valid: " + message);
    }

    /** The entry revoking {@code certificate} in a CRL its issuer signed that is in force at {@code date}, or null. */
    private static X509CRLEntry revocation(X509Certificate certificate, X509Certificate issuer, Material m, Date date) {
        for (X509CRL crl : m.crls) {
            if (!crl.getIssuerX500Principal().equals(certificate.getIssuerX500Principal()) || crl.getThisUpdate().after(date)) {
                continue;
            }
            try {
                crl.verify(issuer.getPublicKey(), BC);
            } catch (GeneralSecurityException | RuntimeException e) {
                continue;
            }
            X509CRLEntry entry = crl.getRevokedCertificate(certificate);
            if (entry != null && !entry.getRevocationDate().after(date)) {
                return entry;
            }
        }
        return null;
    }

    private static String revokedMessage(X509Certificate certificate, X509CRLEntry entry) {
        return "certificate " + describe(certificate) + " was revoked on " + entry.getRevocationDate().toInstant()
                + (entry.getRevocationReason() == null ? "" : " (" + entry.getRevocationReason() + ")");
    }

    private static String describe(X509Certificate certificate) {
        return "\"" + certificate.getSubjectX500Principal().getName() + "\" serial " + certificate.getSerialNumber().toString(16);
    }

    private static Optional<Failure> fail(SignatureReason reason, String message) {
        return Optional.of(new Failure(reason, message));
    }
}
