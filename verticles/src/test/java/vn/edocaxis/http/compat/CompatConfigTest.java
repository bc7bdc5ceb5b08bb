package vn.edocaxis.http.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import vn.edocaxis.config.ConfigError;
import vn.edocaxis.config.ConfigLoader;
import vn.edocaxis.config.RouterConfig;

/** The compat.* keys: documented defaults, and bad values stop the router with the key's name. */
class CompatConfigTest {

    static RouterConfig.Compat load(String... pairs) {
        Properties p = new Properties();
        for (int i = 0; i < pairs.length; i += 2) {
            p.setProperty("edoc." + pairs[i], pairs[i + 1]);
        }
        return ConfigLoader.load(null, Map.of(), p).compat();
    }

    @Test
    void defaultsServeTodaysApiAtTheRoot() {
        RouterConfig.Compat c = load();
        assertThat(c.prefix()).isEmpty();
        assertThat(c.timestampWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.timestampZone()).isEqualTo(ZoneId.of("Asia/Ho_Chi_Minh"));
    }

    @Test
    void goodValuesAreTaken() {
        RouterConfig.Compat c = load("compat.prefix", "/vxp/v2", "compat.timestamp-window", "90s", "compat.timestamp-zone", "+07:00");
        assertThat(c.prefix()).isEqualTo("/vxp/v2");
        assertThat(c.timestampWindow()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.timestampZone()).isEqualTo(ZoneId.of("+07:00"));
        assertThat(ConfigLoader.load(null, Map.of("EDOC_COMPAT_PREFIX", "/lienthong"), new Properties()).compat().prefix())
                .isEqualTo("/lienthong");
    }

    @Test
    void badValuesStopTheRouterNamingTheKey() {
        for (String prefix : new String[] {"vxp", "/vxp/", "/", "/v1", "/v1/vxp", "/a b", "//x"}) {
            assertThatThrownBy(() -> load("compat.prefix", prefix)).as(prefix).isInstanceOf(ConfigError.class).hasMessageContaining("compat.prefix");
        }
        assertThatThrownBy(() -> load("compat.timestamp-zone", "Hanoi/Nowhere")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("compat.timestamp-zone");
        assertThatThrownBy(() -> load("compat.timestamp-window", "0s")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("compat.timestamp-window");
        assertThatThrownBy(() -> load("compat.timestamp-window", "soon")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("compat.timestamp-window");
    }
}
