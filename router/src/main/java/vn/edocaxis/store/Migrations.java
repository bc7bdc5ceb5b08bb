package vn.edocaxis.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Creates and migrates the schema with Flyway from {@code classpath:db/migration}. Blocking: run at start-up. */
public final class Migrations {

    private Migrations() {
    }

    public static MigrateResult migrate(String jdbcUrl, String user, String password) {
        return Flyway.configure()
                .dataSource(jdbcUrl, user, password)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load()
                .migrate();
    }
}
