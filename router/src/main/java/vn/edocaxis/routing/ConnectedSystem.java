package vn.edocaxis.routing;

/** An agency's document system connected to the router; it sends and receives for the units it hosts. */
public record ConnectedSystem(String id, String name, Lifecycle status, SignaturePolicy signaturePolicy, long version) {

    public boolean active() {
        return status == Lifecycle.ACTIVE;
    }
}
