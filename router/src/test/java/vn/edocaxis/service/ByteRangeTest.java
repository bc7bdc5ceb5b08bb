package vn.edocaxis.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import vn.edocaxis.error.RouterException;

class ByteRangeTest {

    static final long SIZE = 1000;

    static String resolved(String header) {
        ByteRange r = ByteRange.parse(header);
        return r == null ? "whole" : r.first(SIZE) + "-" + r.last(SIZE);
    }

    @Test
    void oneRangeOfBytesIsResolvedAgainstTheSize() {
        assertThat(resolved("bytes=0-9")).isEqualTo("0-9");
        assertThat(resolved("bytes=990-")).isEqualTo("990-999");
        assertThat(resolved("bytes=-10")).isEqualTo("990-999");
        assertThat(resolved("bytes=-5000")).as("a suffix longer than the package").isEqualTo("0-999");
        assertThat(resolved("bytes=500-5000")).as("a last position past the end").isEqualTo("500-999");
        assertThat(resolved("Bytes=1-2 ")).as("the unit is case-insensitive; the value is trimmed").isEqualTo("1-2");
        assertThat(resolved("bytes=10-99999999999999999999")).as("past a long: to the end").isEqualTo("10-999");
        assertThat(resolved("bytes=-99999999999999999999")).isEqualTo("0-999");
    }

    @Test
    void otherUnitsAndSeveralRangesAreIgnored() {
        for (String header : List.of("items=0-5", "pages=1", "x-custom=whatever", "bytes=0-1,5-6", "bytes=0-1, 5-")) {
            assertThat(resolved(header)).as(header).isEqualTo("whole");
        }
    }

    @Test
    void malformedOrUnsatisfiableRangesAre416() {
        for (String header : List.of("bytes=5-2", "bytes=-", "bytes=a-b", "bytes= 0-5", "bytes=0x10-", "", "bytes", "=0-5")) {
            assertThatThrownBy(() -> ByteRange.parse(header)).as("\"%s\"", header).isInstanceOf(RouterException.class);
        }
        for (String header : List.of("bytes=1000-", "bytes=5000-6000", "bytes=-0", "bytes=99999999999999999999-")) {
            assertThatThrownBy(() -> resolved(header)).as(header).isInstanceOf(RouterException.class)
                    .hasMessageContaining("1000 bytes");
        }
    }
}
