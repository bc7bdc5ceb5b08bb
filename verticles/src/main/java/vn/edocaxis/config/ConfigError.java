package vn.edocaxis.config;

/** A configuration value the router refuses to start with; the message names the key and the source. */
public final class ConfigError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigError(String message) {
        super(message, null, false, false);
    }
}
