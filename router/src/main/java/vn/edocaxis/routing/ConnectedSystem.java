package vn.edocaxis.routing;

/**
 * An agency's document system connected to the router; it sends and receives for the units it
 * hosts, and may have its deliveries pushed to an HTTPS endpoint ({@code pushUrl}, else null) with
 * at most {@code pushMaxConcurrency} attempts at once across all router nodes.
 */
public record ConnectedSystem(String id, String name, Lifecycle status, SignaturePolicy signaturePolicy, long version,
                              String pushUrl, int pushMaxConcurrency) {

    public boolean active() {
        return status == Lifecycle.ACTIVE;
    }
}
