package vn.edocaxis.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {

    @Test
    void onlyTheRoutersOwnFailuresAreServerErrors() {
        // A hostile client must not be able to fill the log with stack traces: every refusal of what it
        // sent (501 UNSUPPORTED_TRANSFER_ENCODING included) is a client error.
        assertThat(Arrays.stream(ErrorCode.values()).filter(c -> !c.isClientError()))
                .containsExactlyInAnyOrderElementsOf(EnumSet.of(ErrorCode.INTERNAL_ERROR, ErrorCode.DATABASE_UNAVAILABLE));
        assertThat(ErrorCode.UNSUPPORTED_TRANSFER_ENCODING.httpStatus()).isEqualTo(501);
    }
}
