package vn.edocaxis.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegistrySnapshotTest {

    private static Unit unit(String code, String system, Lifecycle status, long version) {
        return new Unit(code, code, null, 1, system, null, status, version, null);
    }

    @Test
    void changesApplyOnTopAndLeaveTheOlderSnapshotAsItWas() {
        RegistrySnapshot first = RegistrySnapshot.empty().with(List.of(), List.of(),
                List.of(unit("000.00.00.H41", "nghean", Lifecycle.ACTIVE, 1), unit("000.00.00.H14", "caobang", Lifecycle.ACTIVE, 2)));
        RegistrySnapshot second = first.with(List.of(), List.of(),
                List.of(unit("000.00.00.H41", "caobang", Lifecycle.ACTIVE, 3), unit("000.00.00.G17", "nghean", Lifecycle.RETIRED, 4)));

        assertThat(first.version()).isEqualTo(2);
        assertThat(first.unitsOf("nghean")).containsExactly("000.00.00.H41");
        assertThat(first.hostsActive("nghean", "000.00.00.H41")).isTrue();

        assertThat(second.version()).isEqualTo(4);
        assertThat(second.unitsOf("caobang")).containsExactlyInAnyOrder("000.00.00.H14", "000.00.00.H41");
        assertThat(second.unitsOf("nghean")).containsExactly("000.00.00.G17");
        assertThat(second.hostsActive("nghean", "000.00.00.H41")).isFalse();
        assertThat(second.hostsActive("caobang", "000.00.00.H41")).isTrue();
        assertThat(second.hostsActive("nghean", "000.00.00.G17")).as("retired").isFalse();
        assertThat(second.unit("000.00.00.G17")).get().extracting(Unit::status).isEqualTo(Lifecycle.RETIRED);
    }

    @Test
    void aSystemThatLosesItsLastUnitHostsNothing() {
        RegistrySnapshot first = RegistrySnapshot.empty().with(List.of(), List.of(),
                List.of(unit("000.00.00.H41", "nghean", Lifecycle.ACTIVE, 1)));
        RegistrySnapshot moved = first.with(List.of(), List.of(), List.of(unit("000.00.00.H41", "caobang", Lifecycle.ACTIVE, 2)));
        assertThat(moved.unitsOf("nghean")).isEmpty();
        assertThat(moved.unitsOf("caobang")).containsExactly("000.00.00.H41");
    }

    @Test
    void noChangedUnitsKeepsTheVersion() {
        RegistrySnapshot first = RegistrySnapshot.empty().with(List.of(), List.of(),
                List.of(unit("000.00.00.H41", "nghean", Lifecycle.ACTIVE, 7)));
        assertThat(first.with(List.of(), List.of(), List.of()).version()).isEqualTo(7);
    }
}
