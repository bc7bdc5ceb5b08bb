package vn.edocaxis.routing;

/**
 * An agency's document system connected to the router; it sends and receives for the units it
 * hosts, and may have its deliveries pushed to an HTTPS endpoint ({@code pushUrl}, else null).
 */
public record ConnectedSystem(String id, String name, Lifecycle status, SignaturePolicy signaturePolicy, long version,
                              String pushUrl) {

    public boolean active() {
        return status == Lifecycle.ACTIVE;
    }
}
