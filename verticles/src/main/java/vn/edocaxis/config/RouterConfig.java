package vn.edocaxis.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import vn.edocaxis.service.PushAddresses;

/**
 * The whole configuration, validated once at start-up. Keys and defaults are documented in
 * {@code conf/router.conf}; {@link ConfigLoader} builds this from it and the overrides.
 */
public record RouterConfig(Api api, Ops ops, Tls tls, Pki pki, Database database, Storage storage, Xml xml,
                           Signatures signatures, Receipts receipts, Push push, Housekeeping housekeeping, Demo demo,
                           Compat compat) {

    public record Api(String host, int port, int instances, long maxPackageSize, Duration idleTimeout, Duration eventHeartbeat,
                      long minUploadRate, Duration uploadRateWindow, Duration shutdownGrace) {
    }

    public record Ops(String host, int port) {
    }

    /** Empty paths mean: use the development PKI. */
    public record Tls(Path serverCertificate, Path serverKey, Path trustedCas, List<Path> crls,
                      List<Path> operatorCertificates, Engine engine) {

        public boolean usesDevelopmentPki() {
            return serverCertificate == null;
        }
    }

    public enum Engine { AUTO, OPENSSL, JDK }

    public record Pki(Path dir, boolean generate) {
    }

    /** {@code url} is null for the embedded database. */
    public record Database(String url, String user, String password, int poolSize, int uploadPoolSize,
                           Duration answerTimeout, Path embeddedDir, int embeddedPort) {

        public boolean embedded() {
            return url == null;
        }
    }

    public record Storage(int chunkSize, int batchMaxDocuments, long batchMaxBytes, int batchMaxInFlight, Duration batchAnswerTimeout) {
    }

    /** Null paths mean: the development PKI's, or the TLS bundle. */
    public record Signatures(Path trustAnchors, List<Path> crls, boolean requireCrl, Duration reloadInterval) {
    }

    /** Null paths mean: the development PKI's receipt key, or the TLS server key. */
    public record Receipts(Path signingKey, Path certificate) {
    }

    public record Xml(int maxDepth, int maxTokenSize, int maxAttributes, int maxNames, int maxPrefixes) {
    }

    /** Null paths mean: the development PKI's (or, for trustedCas, the JDK's trust store). */
    public record Push(Path clientCertificate, Path clientKey, Path trustedCas, PushAddresses deniedAddresses, int concurrency,
                       Duration timeout,
                       Duration lease, Duration backoffBase, Duration backoffMax, int maxAttempts, Duration maxAge,
                       Duration pollInterval) {
    }

    public record Housekeeping(Duration auditSealInterval, Duration statsInterval, Duration statsAckedInterval,
                               java.time.ZoneId statsZone, Duration queueInterval, Duration uploadSweepInterval,
                               Duration abandonedUploadAge) {
    }

    public record Demo(boolean seed) {
    }

    /**
     * Today's axis API on the mutual-TLS port (docs/COMPAT.md).
     *
     * @param prefix          path prefix of its calls: empty (the root) or {@code /segment[/segment...]}
     * @param timestampWindow how far a signed {@code XroadVnpt-timestamp} may be from the router's clock
     * @param timestampZone   the zone of that timestamp, which carries no offset
     */
    public record Compat(String prefix, Duration timestampWindow, java.time.ZoneId timestampZone) {
    }
}
