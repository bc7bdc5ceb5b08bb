package vn.edocaxis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    static Properties props(String... pairs) {
        Properties p = new Properties();
        for (int i = 0; i < pairs.length; i += 2) {
            p.setProperty(pairs[i], pairs[i + 1]);
        }
        return p;
    }

    Path file(String content) throws Exception {
        Path f = dir.resolve("router.conf");
        Files.writeString(f, content);
        return f;
    }

    @Test
    void defaultsAreTheDocumentedDevelopmentSetup() {
        RouterConfig c = ConfigLoader.load(null, Map.of(), new Properties());
        assertThat(c.api().port()).isEqualTo(8443);
        assertThat(c.api().maxPackageSize()).isEqualTo(64L * 1024 * 1024);
        assertThat(c.api().idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.api().minUploadRate()).isEqualTo(16L * 1024);
        assertThat(c.api().uploadRateWindow()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.ops().host()).isEqualTo("127.0.0.1");
        assertThat(c.database().embedded()).isTrue();
        assertThat(c.tls().usesDevelopmentPki()).isTrue();
        assertThat(c.storage().chunkSize()).isEqualTo(256 * 1024);
    }

    @Test
    void theShippedConfFileIsTheDefaults() {
        Path shipped = Path.of("..", "conf", "router.conf");
        assertThat(ConfigLoader.load(shipped, Map.of(), new Properties()))
                .isEqualTo(ConfigLoader.load(null, Map.of(), new Properties()));
    }

    @Test
    void fileThenEnvironmentThenSystemPropertiesOverride() throws Exception {
        Path f = file("api { port = 9001, max-package-size = 8MiB }\nops.port = 9100\n");
        RouterConfig c = ConfigLoader.load(f, Map.of("EDOC_OPS_PORT", "9200", "EDOC_API_MAX_PACKAGE_SIZE", "16MiB", "PATH", "/bin"),
                props("edoc.ops.port", "9300", "user.home", "/root"));
        assertThat(c.api().port()).isEqualTo(9001);
        assertThat(c.api().maxPackageSize()).isEqualTo(16L * 1024 * 1024);
        assertThat(c.ops().port()).isEqualTo(9300);
    }

    @Test
    void listsComeCommaSeparatedFromTheEnvironment() throws Exception {
        Path a = Files.writeString(dir.resolve("a.crl"), "x");
        Path b = Files.writeString(dir.resolve("b.crl"), "y");
        RouterConfig c = ConfigLoader.load(null, Map.of("EDOC_TLS_CRLS", a + ", " + b), new Properties());
        assertThat(c.tls().crls()).containsExactly(a, b);
    }

    @Test
    void unknownKeysAreRefusedWherever() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(file("api.prot = 9001\n"), Map.of(), new Properties()))
                .isInstanceOf(ConfigError.class).hasMessageContaining("unknown configuration key api.prot").hasMessageContaining("router.conf: 1");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("EDOC_API_PROT", "1"), new Properties()))
                .isInstanceOf(ConfigError.class).hasMessageContaining("EDOC_API_PROT");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), props("edoc.databse.url", "x")))
                .isInstanceOf(ConfigError.class).hasMessageContaining("edoc.databse.url");
    }

    @Test
    void badValuesNameTheKeyAndWhereTheyCameFrom() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(file("api.port = 70000\n"), Map.of(), new Properties()))
                .isInstanceOf(ConfigError.class).hasMessageContaining("api.port").hasMessageContaining("70000");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("EDOC_API_PORT", "https"), new Properties()))
                .isInstanceOf(ConfigError.class).hasMessageContaining("api.port");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), props("edoc.api.max-package-size", "lots")))
                .isInstanceOf(ConfigError.class).hasMessageContaining("api.max-package-size");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), props("edoc.tls.engine", "gnutls")))
                .isInstanceOf(ConfigError.class).hasMessageContaining("tls.engine").hasMessageContaining("gnutls");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), props("edoc.database.url", "mysql://db/x")))
                .isInstanceOf(ConfigError.class).hasMessageContaining("database.url");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("EDOC_OPS_PORT", "8443"), new Properties()))
                .isInstanceOf(ConfigError.class).hasMessageContaining("api.port and ops.port are both 8443");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("EDOC_OPS_PORT", "9443", "EDOC_API_PORT", "9443",
                "EDOC_API_HOST", "127.0.0.1"), new Properties())).isInstanceOf(ConfigError.class).hasMessageContaining("9443");
        assertThat(ConfigLoader.load(null, Map.of("EDOC_OPS_PORT", "9443", "EDOC_API_PORT", "9443", "EDOC_API_HOST", "10.0.0.1"),
                new Properties()).ops().port()).as("two addresses, one port each").isEqualTo(9443);
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("EDOC_PUSH_DENIED_ADDRESSES", "127.0.0.0/8, 10.0.0.0/33"),
                new Properties())).isInstanceOf(ConfigError.class).hasMessageContaining("push.denied-addresses")
                .hasMessageContaining("10.0.0.0/33").hasMessageContaining("EDOC_PUSH_DENIED_ADDRESSES");
        assertThatThrownBy(() -> ConfigLoader.load(file("push.denied-addresses = [\"intranet\"]\n"), Map.of(), new Properties()))
                .isInstanceOf(ConfigError.class).hasMessageContaining("\"intranet\"").hasMessageContaining("router.conf: 1");
        assertThatThrownBy(() -> ConfigLoader.load(file("api { port = \n"), Map.of(), new Properties()))
                .isInstanceOf(ConfigError.class);
    }

    @Test
    void missingFilesAreRefused() {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.conf"), Map.of(), new Properties()))
                .isInstanceOf(ConfigError.class).hasMessageContaining("nope.conf");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), props("edoc.tls.server-certificate", "/no/such.crt",
                "edoc.tls.server-key", "/no/such.key", "edoc.tls.trusted-cas", "/no/ca.crt")))
                .isInstanceOf(ConfigError.class).hasMessageContaining("tls.server-certificate").hasMessageContaining("/no/such.crt");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), props("edoc.tls.crls", "/no/such.crl")))
                .isInstanceOf(ConfigError.class).hasMessageContaining("tls.crls");
    }

    @Test
    void productionTlsFilesGoTogether() throws Exception {
        Path cert = Files.writeString(dir.resolve("server.crt"), "x");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), props("edoc.tls.server-certificate", cert.toString())))
                .isInstanceOf(ConfigError.class).hasMessageContaining("must be set together");
    }

    @Test
    void envNamesFollowTheKeys() {
        assertThat(ConfigLoader.envName("api.max-package-size")).isEqualTo("EDOC_API_MAX_PACKAGE_SIZE");
        assertThat(ConfigLoader.envName("database.embedded.dir")).isEqualTo("EDOC_DATABASE_EMBEDDED_DIR");
    }
}
