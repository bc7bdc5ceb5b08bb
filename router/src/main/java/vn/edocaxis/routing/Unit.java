package vn.edocaxis.routing;

/**
 * An addressable body of the directory, identified by its unit code and hosted by one system.
 *
 * @param level 1 central/province … 4 commune
 */
public record Unit(String code, String name, String parentCode, int level, String systemId, String email,
                   Lifecycle status, long version) {

    public boolean active() {
        return status == Lifecycle.ACTIVE;
    }
}
