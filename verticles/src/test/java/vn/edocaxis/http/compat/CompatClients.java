package vn.edocaxis.http.compat;

import java.net.http.HttpClient;
import java.nio.file.Path;
import vn.edocaxis.JdkClient;
import vn.edocaxis.RouterFixture;
import vn.edocaxis.cli.DevPki;

/** Compat clients with the demo identities' certificates. */
final class CompatClients {

    private CompatClients() {
    }

    static VxpClient client(RouterFixture router, String identity, String prefix, String secret) {
        Path base = identity.equals(DevPki.OPERATOR) ? router.pkiDir().resolve(identity)
                : router.pkiDir().resolve(DevPki.SYSTEMS_DIR).resolve(identity);
        HttpClient http = JdkClient.create(Path.of(base + ".crt"), Path.of(base + ".key"), router.pkiDir().resolve(DevPki.CA_CERT),
                HttpClient.Version.HTTP_1_1);
        return new VxpClient(http, "https://localhost:" + router.apiPort() + prefix, identity, secret);
    }
}
