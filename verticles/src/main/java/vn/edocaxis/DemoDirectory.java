package vn.edocaxis;

import io.vertx.core.Future;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import vn.edocaxis.cli.DevPki;
import vn.edocaxis.routing.SignaturePolicy;
import vn.edocaxis.service.RegistryService;

/**
 * The demo systems and units of the development default. They host the units the sample packages
 * of the public VXP SDK use, so those packages can be sent through a fresh router as they are.
 */
public final class DemoDirectory {

    /** A demo system, its signature policy and the units it hosts. */
    public record DemoSystem(String id, String name, SignaturePolicy policy, List<DemoUnit> units) {
    }

    public record DemoUnit(String code, String name, String parent, int level) {
    }

    public static final List<DemoSystem> SYSTEMS = List.of(
            // The VXP SDK sample packages this system sends in the walk-through carry placeholder
            // signatures (a truncated certificate) that can never verify: its policy is off.
            new DemoSystem("vpcp", "Văn phòng Chính phủ - hệ thống quản lý văn bản", SignaturePolicy.OFF, List.of(
                    new DemoUnit("000.00.00.G22", "Văn phòng Chính phủ", null, 1),
                    new DemoUnit("000.00.01.G22", "Vụ Tổng hợp, Văn phòng Chính phủ", "000.00.00.G22", 2))),
            new DemoSystem("nghean", "UBND tỉnh Nghệ An - nền tảng quản lý văn bản", SignaturePolicy.VERIFY_IF_PRESENT, List.of(
                    new DemoUnit("000.00.00.H41", "UBND Tỉnh Nghệ An", null, 1),
                    new DemoUnit("000.00.01.H41", "Văn phòng UBND tỉnh Nghệ An", "000.00.00.H41", 2),
                    new DemoUnit("000.00.24.H41", "Sở Thông tin và Truyền thông Nghệ An", "000.00.00.H41", 2))),
            new DemoSystem("caobang", "UBND tỉnh Cao Bằng - nền tảng quản lý văn bản", SignaturePolicy.VERIFY_IF_PRESENT, List.of(
                    new DemoUnit("000.00.00.H14", "UBND Tỉnh Cao Bằng", null, 1),
                    new DemoUnit("000.00.01.H14", "Văn phòng UBND tỉnh Cao Bằng", "000.00.00.H14", 2))),
            new DemoSystem("haiphong", "Hải Phòng - hệ thống quản lý văn bản", SignaturePolicy.REQUIRE, List.of(
                    new DemoUnit("000.00.00.G17", "Sở Thông tin truyền thông Hải Phòng", null, 1))));

    private DemoDirectory() {
    }

    public static List<String> systemIds() {
        return SYSTEMS.stream().map(DemoSystem::id).toList();
    }

    /** Creates every demo system and unit and binds each system's certificate from the development PKI. */
    public static Future<Void> seed(RegistryService registry, Path pkiDir) {
        Future<Void> chain = Future.succeededFuture();
        for (DemoSystem system : SYSTEMS) {
            X509Certificate certificate = read(pkiDir.resolve(DevPki.SYSTEMS_DIR).resolve(system.id() + ".crt"));
            chain = chain
                    .compose(v -> registry.createSystem(system.id(), system.name(), system.policy()))
                    .compose(v -> registry.bindCertificate(system.id(), certificate))
                    .mapEmpty();
            List<DemoUnit> ordered = new ArrayList<>(system.units());
            for (DemoUnit unit : ordered) {
                chain = chain.compose(v -> registry.createUnit(unit.code(), unit.name(), unit.parent(), unit.level(),
                        system.id(), null)).mapEmpty();
            }
        }
        return chain;
    }

    static X509Certificate read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read certificate " + file, e);
        }
    }
}
