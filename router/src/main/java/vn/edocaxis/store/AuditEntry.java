package vn.edocaxis.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * One line of the audit trail, appended in the transaction of the change it records (so it exists
 * exactly when the change committed). The sealing job chains the lines afterwards.
 *
 * @param actor   who: a system id, {@code operator:<fingerprint prefix>}, or {@code router}
 * @param action  what, e.g. {@code document.accepted}, {@code delivery.acked}, {@code registry.unit.updated}
 * @param subject the id of what changed
 */
public record AuditEntry(String actor, String action, String subject, JsonObject details) {

    static Future<Void> append(SqlClient client, List<AuditEntry> entries) {
        if (entries.isEmpty()) {
            return Future.succeededFuture();
        }
        int n = entries.size();
        String[] actors = new String[n];
        String[] actions = new String[n];
        String[] subjects = new String[n];
        Object[] details = new Object[n];
        for (int i = 0; i < n; i++) {
            AuditEntry e = entries.get(i);
            actors[i] = e.actor();
            actions[i] = e.action();
            subjects[i] = e.subject();
            details[i] = e.details() == null ? new JsonObject() : e.details();
        }
        return client.preparedQuery(Sql.AUDIT).execute(Tuple.of(actors, actions, subjects, details)).mapEmpty();
    }
}
