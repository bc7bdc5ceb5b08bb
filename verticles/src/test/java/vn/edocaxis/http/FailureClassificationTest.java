package vn.edocaxis.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;

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
    void theDatabaseSayingItCannotServeNowIsUnavailability() {
        for (String sqlState : new String[] {"08006", "25006", "40001", "40P01", "53300", "55P03", "57014", "57P03", "58030", "XX000"}) {
            assertThat(code(new PgException("refused", "ERROR", sqlState, null))).as(sqlState).isEqualTo(ErrorCode.DATABASE_UNAVAILABLE);
        }
    }

    @Test
    void aValueThePostgresqlWillNotStoreIsTheRequestsFaultAndIsNotRetried() {
        RouterException refused = FailureHandler.classify(new IllegalStateException("batch failed",
                new PgException("invalid byte sequence for encoding \"UTF8\": 0x00", "ERROR", "22021", null)), 500);
        assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_PARAMETER);
        assertThat(refused.getMessage()).isEqualTo("a value in the request cannot be stored: invalid byte sequence for encoding \"UTF8\": 0x00");
        assertThat(code(new PgException("value out of range", "ERROR", "22003", null))).isEqualTo(ErrorCode.INVALID_PARAMETER);
    }

    @Test
    void integrityAndSyntaxErrorsAreTheRoutersBugs() {
        // before: 503, inviting a client to send again what can never succeed
        assertThat(code(new PgException("duplicate key value violates unique constraint", "ERROR", "23505", null)))
                .isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(code(new PgException("null value in column violates not-null constraint", "ERROR", "23502", null)))
                .isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(code(new PgException("relation does not exist", "ERROR", "42P01", null))).isEqualTo(ErrorCode.INTERNAL_ERROR);
    }

    @Test
    void aBodyNettyCannotFrameIsMalformedHttpNotABug() {
        // as thrown by HttpObjectDecoder.getChunkSize for "FFFFFFFFFFFFFFFFFF" (logged as an ERROR with its stack before)
        NumberFormatException overflow = new NumberFormatException("Chunk size overflow: -1");
        overflow.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("io.netty.handler.codec.http.HttpObjectDecoder", "getChunkSize", "HttpObjectDecoder.java", 982)});
        assertThat(code(overflow)).isEqualTo(ErrorCode.HTTP_MALFORMED);
        assertThat(code(new io.netty.handler.codec.DecoderException("bad frame"))).isEqualTo(ErrorCode.HTTP_MALFORMED);
        // the codec deeper in the stack (every request has it there) does not make a bug malformed HTTP
        NullPointerException bug = new NullPointerException();
        bug.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("vn.edocaxis.http.DocumentHandlers", "submit", "DocumentHandlers.java", 50),
            new StackTraceElement("io.netty.handler.codec.http.HttpObjectDecoder", "decode", "HttpObjectDecoder.java", 481)});
        assertThat(code(bug)).isEqualTo(ErrorCode.INTERNAL_ERROR);
    }

    @Test
    void theClientsConnectionClosingAndBugsAreNot() {
        // the client's connection closing is the client's: not DATABASE_UNAVAILABLE, and not a bug logged with a stack trace
        assertThat(code(new HttpClosedException("Connection was closed"))).isEqualTo(ErrorCode.UPLOAD_INCOMPLETE);
        assertThat(code(new IllegalStateException("a bug"))).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(code(new NullPointerException())).isEqualTo(ErrorCode.INTERNAL_ERROR);
    }

    private static ErrorCode code(Throwable failure) {
        return FailureHandler.classify(failure, 500).code();
    }
}
