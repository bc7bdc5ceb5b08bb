package vn.edocaxis.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;
import vn.edocaxis.error.ErrorCode;

/**
 * Which failures a request answers with 503 DATABASE_UNAVAILABLE: the database's errors and its
 * connections' failures as the pool and the client raise them (seen end to end in
 * {@code CrashRestartTest}, where the database down was a 500 before), not the client's own
 * connection closing, and not a bug.
 */
class FailureClassificationTest {

    @Test
    void theDatabaseRefusingBreakingOrClosingItsConnectionsIsUnavailability() {
        assertThat(code(new ConnectException("Connection refused: /127.0.0.1:5432"))).isEqualTo(ErrorCode.DATABASE_UNAVAILABLE);
        assertThat(code(new ClosedChannelException())).isEqualTo(ErrorCode.DATABASE_UNAVAILABLE);
        assertThat(code(new VertxException("Connection is closed"))).isEqualTo(ErrorCode.DATABASE_UNAVAILABLE);
        assertThat(code(new PgException("terminating connection due to unexpected postmaster exit", "FATAL", "57P01", null)))
                .isEqualTo(ErrorCode.DATABASE_UNAVAILABLE);
        assertThat(code(new IllegalStateException("batch failed", new ConnectException("Connection refused"))))
                .as("found in the cause chain").isEqualTo(ErrorCode.DATABASE_UNAVAILABLE);
    }

    @Test
    void theClientsConnectionClosingAndBugsAreNot() {
        assertThat(code(new HttpClosedException("Connection was closed"))).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(code(new IllegalStateException("a bug"))).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(code(new NullPointerException())).isEqualTo(ErrorCode.INTERNAL_ERROR);
    }

    private static ErrorCode code(Throwable failure) {
        return FailureHandler.classify(failure, 500).code();
    }
}
