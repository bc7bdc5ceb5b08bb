package vn.edocaxis.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The real packages of {@code ../shared/samples/vxp-sdk}, copied under test resources. */
public final class Samples {

    public static final List<String> DOCUMENTS = List.of(
            "edoc_revocation.edxml", "edoc_update.edxml", "edoc_replacement.edxml");
    public static final List<String> STATUSES = List.of(
            "status_inbox_01.edxml", "status_rejection_02.edxml", "status_acceptance_03.edxml",
            "status_assignment_04.edxml", "status_processing_05.edxml", "status_finish_06.edxml",
            "status_cancellation_13.edxml", "status_change-acceptance_15.edxml", "status_change-rejection_16.edxml");
    public static final String LEADING_GARBAGE = "malformed_leading_garbage_edoc_new.edxml";

    private Samples() {
    }

    public static byte[] bytes(String name) {
        try (InputStream in = Samples.class.getResourceAsStream("/samples/vxp-sdk/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
