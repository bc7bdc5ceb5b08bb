package vn.edocaxis.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import vn.edocaxis.service.PushAddresses;

/**
 * Reads the configuration with Typesafe Config: the defaults carried in the jar (a copy of
 * {@code conf/router.conf}), then the given file, then {@code EDOC_*} environment variables, then
 * {@code edoc.*} system properties. Unknown keys anywhere, values of the wrong type or out of
 * range, and files that do not exist all fail with a {@link ConfigError} naming the key and where
 * it came from.
 */
public final class ConfigLoader {

    static final String DEFAULTS_RESOURCE = "edoc-axis/router.conf";
    static final String ENV_PREFIX = "EDOC_";
    static final String PROPERTY_PREFIX = "edoc.";

    private ConfigLoader() {
    }

    public static RouterConfig load(Path file, Map<String, String> env, Properties properties) {
        Config defaults = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), DEFAULTS_RESOURCE,
                ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(ConfigSyntax.CONF));
        Set<String> known = new TreeSet<>();
        defaults.entrySet().forEach(e -> known.add(e.getKey()));

        Config config = defaults;
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new ConfigError("configuration file " + file + " does not exist");
            }
            Config fromFile = guard(() -> ConfigFactory.parseFile(file.toFile(),
                    ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(ConfigSyntax.CONF)));
            for (Map.Entry<String, ConfigValue> e : fromFile.entrySet()) {
                if (!known.contains(e.getKey())) {
                    throw new ConfigError("unknown configuration key " + e.getKey() + " (" + e.getValue().origin().description() + ")");
                }
            }
            config = fromFile.withFallback(config);
        }
        config = overrides(env, ENV_PREFIX, known, defaults, true).withFallback(config);
        Map<String, String> props = new java.util.HashMap<>();
        properties.stringPropertyNames().forEach(name -> props.put(name, properties.getProperty(name)));
        config = overrides(props, PROPERTY_PREFIX, known, defaults, false).withFallback(config);
        Config resolved = guard(config::resolve);
        return guard(() -> build(resolved));
    }

    /** The environment variable that overrides a key. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Config overrides(Map<String, String> source, String prefix, Set<String> known, Config defaults, boolean env) {
        Config out = ConfigFactory.empty();
        for (Map.Entry<String, String> e : source.entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                continue;
            }
            String key = null;
            for (String candidate : known) {
                if (env ? envName(candidate).equals(e.getKey()) : (PROPERTY_PREFIX + candidate).equals(e.getKey())) {
                    key = candidate;
                    break;
                }
            }
            String where = env ? "environment variable " + e.getKey() : "system property " + e.getKey();
            if (key == null) {
                throw new ConfigError("unknown configuration key in " + where);
            }
            Object value = e.getValue();
            if (defaults.getValue(key).valueType() == ConfigValueType.LIST) {
                value = e.getValue().isBlank() ? List.of()
                        : Arrays.stream(e.getValue().split(",")).map(String::trim).toList();
            }
            out = out.withValue(key, ConfigValueFactory.fromAnyRef(value, where));
        }
        return out;
    }

    private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]", "*");

    private static RouterConfig build(Config c) {
        RouterConfig.Api api = new RouterConfig.Api(
                text(c, "api.host"), port(c, "api.port", false), range(c, "api.instances", 0, 256),
                bytes(c, "api.max-package-size", 1024, Long.MAX_VALUE), duration(c, "api.idle-timeout"),
                duration(c, "api.event-heartbeat"), bytes(c, "api.min-upload-rate", 0, Long.MAX_VALUE),
                duration(c, "api.upload-rate-window"), duration(c, "api.shutdown-grace"));
        RouterConfig.Ops ops = new RouterConfig.Ops(text(c, "ops.host"), port(c, "ops.port", false));
        if (ops.port() == api.port() && (ops.host().equals(api.host()) || WILDCARDS.contains(ops.host())
                || WILDCARDS.contains(api.host()))) {
            // Vert.x would not refuse the second listener: it shares the port, and hands each new
            // connection to the TLS API or the plain ops server in turn
            throw new ConfigError("api.port and ops.port are both " + api.port() + " (api.host " + api.host() + ", ops.host "
                    + ops.host() + "; " + c.getValue("ops.port").origin().description() + "): give the ops port one of its own");
        }

        Path serverCertificate = optionalFile(c, "tls.server-certificate");
        Path serverKey = optionalFile(c, "tls.server-key");
        Path trustedCas = optionalFile(c, "tls.trusted-cas");
        boolean anySet = serverCertificate != null || serverKey != null || trustedCas != null;
        if (anySet && (serverCertificate == null || serverKey == null || trustedCas == null)) {
            throw new ConfigError("tls.server-certificate, tls.server-key and tls.trusted-cas must be set together ("
                    + c.getValue("tls.server-certificate").origin().description() + ")");
        }
        RouterConfig.Tls tls = new RouterConfig.Tls(serverCertificate, serverKey, trustedCas,
                files(c, "tls.crls"), files(c, "tls.operator-certificates"),
                enumValue(c, "tls.engine", RouterConfig.Engine.class));
        RouterConfig.Pki pki = new RouterConfig.Pki(Path.of(text(c, "pki.dir")), c.getBoolean("pki.generate"));
        if (tls.usesDevelopmentPki() && !pki.generate() && !Files.isDirectory(pki.dir())) {
            throw new ConfigError("tls.* names no certificate files, pki.generate is false and " + pki.dir() + " does not exist");
        }

        String url = c.getString("database.url").strip();
        if (!url.isEmpty() && !url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
            throw new ConfigError("database.url must look like postgresql://host:port/database, found " + url
                    + " (" + c.getValue("database.url").origin().description() + ")");
        }
        RouterConfig.Database database = new RouterConfig.Database(url.isEmpty() ? null : url,
                text(c, "database.user"), c.getString("database.password"),
                range(c, "database.pool-size", 1, 512), range(c, "database.upload-pool-size", 1, 512),
                duration(c, "database.answer-timeout"), Path.of(text(c, "database.embedded.dir")), port(c, "database.embedded.port", true));

        long chunk = bytes(c, "storage.chunk-size", 16 * 1024, 16L * 1024 * 1024);
        RouterConfig.Storage storage = new RouterConfig.Storage((int) chunk, range(c, "storage.batch.max-documents", 1, 100_000),
                bytes(c, "storage.batch.max-bytes", chunk, 1L << 30), range(c, "storage.batch.max-in-flight", 1, 64),
                duration(c, "storage.batch.answer-timeout"));
        String revocation = c.getString("signature.revocation").strip();
        if (!revocation.equals("require-crl") && !revocation.equals("check-if-available")) {
            throw new ConfigError("signature.revocation must be require-crl or check-if-available, found " + revocation
                    + " (" + c.getValue("signature.revocation").origin().description() + ")");
        }
        RouterConfig.Signatures signatures = new RouterConfig.Signatures(optionalFile(c, "signature.trust-anchors"),
                filesOrDirectories(c, "signature.crls"), revocation.equals("require-crl"), duration(c, "signature.reload-interval"));
        Path receiptKey = optionalFile(c, "receipts.signing-key");
        Path receiptCert = optionalFile(c, "receipts.certificate");
        if ((receiptKey == null) != (receiptCert == null)) {
            throw new ConfigError("receipts.signing-key and receipts.certificate must be set together ("
                    + c.getValue("receipts.signing-key").origin().description() + ")");
        }
        RouterConfig.Receipts receipts = new RouterConfig.Receipts(receiptKey, receiptCert);
        RouterConfig.Xml xml = new RouterConfig.Xml(range(c, "xml.max-depth", 16, 10_000),
                (int) bytes(c, "xml.max-token-size", 4096, 64L * 1024 * 1024), range(c, "xml.max-attributes", 16, 4096),
                range(c, "xml.max-names", 256, 65_536), range(c, "xml.max-prefixes", 16, 65_536));
        Path pushCert = optionalFile(c, "push.client-certificate");
        Path pushKey = optionalFile(c, "push.client-key");
        if ((pushCert == null) != (pushKey == null)) {
            throw new ConfigError("push.client-certificate and push.client-key must be set together ("
                    + c.getValue("push.client-certificate").origin().description() + ")");
        }
        RouterConfig.Push push = new RouterConfig.Push(pushCert, pushKey, optionalFile(c, "push.trusted-cas"),
                deniedAddresses(c, "push.denied-addresses"), range(c, "push.concurrency", 1, 10_000),
                duration(c, "push.timeout"), duration(c, "push.lease"), duration(c, "push.backoff-base"),
                duration(c, "push.backoff-max"), range(c, "push.max-attempts", 1, 1000), duration(c, "push.max-age"),
                duration(c, "push.poll-interval"));
        if (push.lease().compareTo(push.timeout()) <= 0) {
            throw new ConfigError("push.lease must be longer than push.timeout ("
                    + c.getValue("push.lease").origin().description() + ")");
        }
        java.time.ZoneId zone;
        try {
            zone = java.time.ZoneId.of(text(c, "stats.time-zone"));
        } catch (java.time.DateTimeException e) {
            throw new ConfigError("stats.time-zone: " + e.getMessage() + " (" + c.getValue("stats.time-zone").origin().description() + ")");
        }
        RouterConfig.Housekeeping housekeeping = new RouterConfig.Housekeeping(duration(c, "housekeeping.audit-seal-interval"),
                duration(c, "housekeeping.stats-interval"), duration(c, "housekeeping.stats-acked-interval"), zone,
                duration(c, "housekeeping.queue-interval"), duration(c, "housekeeping.upload-sweep-interval"),
                duration(c, "housekeeping.abandoned-upload-age"));
        return new RouterConfig(api, ops, tls, pki, database, storage, xml, signatures, receipts, push, housekeeping,
                new RouterConfig.Demo(c.getBoolean("demo.seed")), compat(c));
    }

    private static RouterConfig.Compat compat(Config c) {
        String prefix = c.getString("compat.prefix").strip();
        boolean wellFormed = prefix.isEmpty() || prefix.matches("(/[A-Za-z0-9._~-]+)+");
        if (!wellFormed || prefix.equals("/v1") || prefix.startsWith("/v1/")) {
            throw new ConfigError("compat.prefix must be empty or a path such as /vxp (segments of letters, digits, . _ ~ -, no"
                    + " trailing slash, not under /v1), found \"" + prefix + "\" (" + c.getValue("compat.prefix").origin().description() + ")");
        }
        String zone = c.getString("compat.timestamp-zone").strip();
        java.time.ZoneId zoneId;
        try {
            zoneId = java.time.ZoneId.of(zone);
        } catch (java.time.DateTimeException e) {
            throw new ConfigError("compat.timestamp-zone must be a time zone such as Asia/Ho_Chi_Minh or +07:00, found " + zone
                    + " (" + c.getValue("compat.timestamp-zone").origin().description() + ")");
        }
        return new RouterConfig.Compat(prefix, duration(c, "compat.timestamp-window"), zoneId);
    }

    private static <T> T guard(Supplier<T> read) {
        try {
            return read.get();
        } catch (ConfigException e) {
            throw new ConfigError(e.getMessage());
        }
    }

    private static String text(Config c, String key) {
        String value = c.getString(key).strip();
        if (value.isEmpty()) {
            throw new ConfigError(key + " must not be empty (" + c.getValue(key).origin().description() + ")");
        }
        return value;
    }

    private static int port(Config c, String key, boolean zeroAllowed) {
        return range(c, key, zeroAllowed ? 0 : 1, 65535);
    }

    private static int range(Config c, String key, int min, int max) {
        int value = c.getInt(key);
        if (value < min || value > max) {
            throw new ConfigError(key + " must be between " + min + " and " + max + ", found " + value
                    + " (" + c.getValue(key).origin().description() + ")");
        }
        return value;
    }

    private static long bytes(Config c, String key, long min, long max) {
        long value = c.getBytes(key);
        if (value < min || value > max) {
            throw new ConfigError(key + " must be between " + min + " and " + max + " bytes, found " + value
                    + " (" + c.getValue(key).origin().description() + ")");
        }
        return value;
    }

    private static Duration duration(Config c, String key) {
        Duration value = c.getDuration(key);
        if (value.isNegative() || value.isZero()) {
            throw new ConfigError(key + " must be positive (" + c.getValue(key).origin().description() + ")");
        }
        return value;
    }

    private static <E extends Enum<E>> E enumValue(Config c, String key, Class<E> type) {
        String value = c.getString(key).strip().toUpperCase(Locale.ROOT);
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw new ConfigError(key + " must be one of " + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT)
                    + ", found " + c.getString(key) + " (" + c.getValue(key).origin().description() + ")");
        }
    }

    private static Path optionalFile(Config c, String key) {
        String value = c.getString(key).strip();
        if (value.isEmpty()) {
            return null;
        }
        Path path = Path.of(value);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new ConfigError(key + ": file " + path + " does not exist or cannot be read ("
                    + c.getValue(key).origin().description() + ")");
        }
        return path;
    }

    private static List<Path> filesOrDirectories(Config c, String key) {
        List<Path> out = new ArrayList<>();
        for (String value : c.getStringList(key)) {
            Path path = Path.of(value.strip());
            if (!Files.isReadable(path)) {
                throw new ConfigError(key + ": " + path + " does not exist or cannot be read ("
                        + c.getValue(key).origin().description() + ")");
            }
            out.add(path);
        }
        return List.copyOf(out);
    }

    private static PushAddresses deniedAddresses(Config c, String key) {
        try {
            return PushAddresses.denying(c.getStringList(key));
        } catch (IllegalArgumentException e) {
            throw new ConfigError(key + ": " + e.getMessage() + " (" + c.getValue(key).origin().description() + ")");
        }
    }

    private static List<Path> files(Config c, String key) {
        List<Path> out = new ArrayList<>();
        for (String value : c.getStringList(key)) {
            Path path = Path.of(value.strip());
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw new ConfigError(key + ": file " + path + " does not exist or cannot be read ("
                        + c.getValue(key).origin().description() + ")");
            }
            out.add(path);
        }
        return List.copyOf(out);
    }
}
