package vn.edocaxis.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;

class PushAddressesTest {

    static final List<String> DEFAULTS = List.of("127.0.0.0/8", "::1/128", "0.0.0.0/8", "::/128", "169.254.0.0/16",
            "fe80::/10", "224.0.0.0/4", "ff00::/8");

    static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal); // a literal: no name service involved
    }

    @Test
    void addressesAreMatchedAgainstTheBlocksOfBothFamilies() throws Exception {
        PushAddresses denied = PushAddresses.denying(DEFAULTS);
        assertThat(denied.deniedBlock(ip("127.0.0.1"))).contains("127.0.0.0/8");
        assertThat(denied.deniedBlock(ip("127.255.3.4"))).contains("127.0.0.0/8");
        assertThat(denied.deniedBlock(ip("::ffff:127.0.0.1"))).as("IPv4-mapped").contains("127.0.0.0/8");
        assertThat(denied.deniedBlock(ip("::1"))).contains("::1/128");
        assertThat(denied.deniedBlock(ip("0.0.0.0"))).contains("0.0.0.0/8");
        assertThat(denied.deniedBlock(ip("::"))).contains("::/128");
        assertThat(denied.deniedBlock(ip("169.254.169.254"))).contains("169.254.0.0/16");
        assertThat(denied.deniedBlock(ip("fe80::1"))).contains("fe80::/10");
        assertThat(denied.deniedBlock(ip("239.1.2.3"))).contains("224.0.0.0/4");
        assertThat(denied.deniedBlock(ip("ff02::1"))).contains("ff00::/8");
        for (String allowed : List.of("10.1.2.3", "192.168.1.1", "172.16.0.1", "203.0.113.7", "128.0.0.1", "2001:db8::1",
                "fec0::1", "::2")) {
            assertThat(denied.deniedBlock(ip(allowed))).as(allowed).isEmpty();
        }
        PushAddresses single = PushAddresses.denying(List.of("10.20.30.40", " 2001:db8::/32 "));
        assertThat(single.deniedBlock(ip("10.20.30.40"))).as("a plain address is a block of one").contains("10.20.30.40");
        assertThat(single.deniedBlock(ip("10.20.30.41"))).isEmpty();
        assertThat(single.deniedBlock(ip("2001:db8:ffff::9"))).contains("2001:db8::/32");
        assertThat(PushAddresses.denying(List.of()).deniedBlock(ip("127.0.0.1"))).as("an empty list allows all").isEmpty();
    }

    @Test
    void entriesThatAreNotBlocksAreRefusedByName() {
        for (String bad : List.of("", "intranet", "10.0.0.0/33", "::1/129", "10.0.0.0/-1", "10.0.0.0/x", "10.0.0/8",
                "256.0.0.1", "10.0.0.0/8/9", "fe80::/ 10")) {
            assertThatThrownBy(() -> PushAddresses.denying(List.of(bad))).as("\"%s\"", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"" + bad + "\"");
        }
    }

    @Test
    void aHostThatIsADeniedLiteralOrLocalhostIsRefusedWhenSet() {
        PushAddresses denied = PushAddresses.denying(DEFAULTS);
        for (String host : List.of("127.0.0.1", "127.1.2.3", "[::1]", "[::ffff:127.0.0.1]", "localhost", "LocalHost", "localhost.",
                "api.localhost", "0.0.0.0", "169.254.169.254", "[fe80::1]", "224.0.0.1")) {
            assertThatThrownBy(() -> denied.checkHost(host)).as(host).isInstanceOf(RouterException.class)
                    .hasMessageContaining(PushAddresses.KEY)
                    .satisfies(e -> assertThat(((RouterException) e).code()).isEqualTo(ErrorCode.INVALID_PARAMETER));
        }
        for (String host : List.of("2130706433", "127.1", "0177.0.0.1", "10.1", "agency.example.1")) {
            assertThatThrownBy(() -> denied.checkHost(host)).as(host).isInstanceOf(RouterException.class)
                    .hasMessageContaining("neither a host name");
        }
        for (String host : List.of("agency.example", "10.0.0.5", "[2001:db8::5]", "localhost.example", "notlocalhost",
                "1.agency.example", "edoc.gov.vn.", "0x7f000001")) {
            denied.checkHost(host); // names are resolved at each attempt, not here
        }
        PushAddresses.denying(List.of()).checkHost("127.0.0.1");
    }
}
