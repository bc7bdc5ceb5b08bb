package vn.edocaxis.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;

class SubmitRulesTest {

    /** A package listing thousands of unknown units gets a bounded answer (it was 93 KB for 3,000 once). */
    @Test
    void manyOffendingRecipientsAreNamedUpToACapWithTheirNumber() {
        List<String> units = IntStream.range(0, 3000).mapToObj(i -> String.format("000.00.%02d.X%02d", i / 100, i % 100)).toList();
        assertThatThrownBy(() -> SubmitRules.recipients(units, RegistrySnapshot.empty()))
                .isInstanceOfSatisfying(RouterException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.RECIPIENT_UNKNOWN);
                    assertThat(e.getMessage()).startsWith("unknown recipient units 000.00.00.X00, 000.00.00.X01")
                            .endsWith("000.00.00.X49 and 2950 more");
                    assertThat(e.details()).containsEntry("count", 3000);
                    assertThat((List<?>) e.details().get("units")).hasSize(SubmitRules.UNITS_NAMED).first().isEqualTo("000.00.00.X00");
                });
    }

    @Test
    void oneUnknownUnitIsNamedAlone() {
        assertThatThrownBy(() -> SubmitRules.recipients(List.of("999.99.99.X99"), RegistrySnapshot.empty()))
                .isInstanceOfSatisfying(RouterException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("unknown recipient unit 999.99.99.X99");
                    assertThat(e.details()).containsEntry("units", List.of("999.99.99.X99")).containsEntry("count", 1);
                });
    }
}
