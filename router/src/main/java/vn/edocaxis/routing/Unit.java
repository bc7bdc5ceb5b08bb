package vn.edocaxis.routing;

/**
 * An addressable body of the directory, identified by its unit code and hosted by one system.
 *
 * @param level     1 central/province … 4 commune
 * @param updatedAt when the unit last changed (null for a unit not yet stored)
 */
public record Unit(String code, String name, String parentCode, int level, String systemId, String email,
                   Lifecycle status, long version, java.time.Instant updatedAt) {

    public boolean active() {
        return status == Lifecycle.ACTIVE;
    }
}
