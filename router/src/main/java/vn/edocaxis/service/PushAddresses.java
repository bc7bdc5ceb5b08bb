package vn.edocaxis.service;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import vn.edocaxis.error.ErrorCode;
import vn.edocaxis.error.RouterException;

/**
 * The networks push endpoints may not be in ({@code push.denied-addresses}): a system chooses the
 * URL the router connects to, with the router's own client certificate, so without this it could
 * point the router at the router's host, at a cloud metadata service or at anything else only the
 * router can reach. Checked when a URL is set (a literal address, or {@code localhost}) and on every
 * attempt against each address its host resolves to then, so a name that resolves to a denied
 * address later is refused too.
 */
public final class PushAddresses {

    /** The configuration key, named in refusals so that an operator knows what to change. */
    public static final String KEY = "push.denied-addresses";

    private record Range(String text, IpSubnetFilterRule rule) {
    }

    private final List<Range> denied;

    private PushAddresses(List<Range> denied) {
        this.denied = denied;
    }

    /**
     * From CIDR blocks ({@code 127.0.0.0/8}, {@code fe80::/10}); a plain address is a block of one.
     *
     * @throws IllegalArgumentException naming the entry that is not a block
     */
    public static PushAddresses denying(List<String> blocks) {
        List<Range> ranges = new ArrayList<>();
        for (String block : blocks) {
            String text = block.trim();
            int slash = text.indexOf('/');
            String address = slash < 0 ? text : text.substring(0, slash);
            if (!NetUtil.isValidIpV4Address(address) && !NetUtil.isValidIpV6Address(address)) {
                throw new IllegalArgumentException("not an IP address or CIDR block: \"" + block + "\"");
            }
            int max = NetUtil.isValidIpV4Address(address) ? 32 : 128;
            int prefix;
            try {
                prefix = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("the prefix length of \"" + block + "\" is not between 0 and " + max);
            }
            ranges.add(new Range(text, new IpSubnetFilterRule(address, prefix, IpFilterRuleType.REJECT)));
        }
        return new PushAddresses(List.copyOf(ranges));
    }

    private List<String> blocks() {
        return denied.stream().map(Range::text).toList();
    }

    /** Equal when they deny the same blocks, written the same way (a configuration value). */
    @Override
    public boolean equals(Object other) {
        return other instanceof PushAddresses that && blocks().equals(that.blocks());
    }

    @Override
    public int hashCode() {
        return blocks().hashCode();
    }

    @Override
    public String toString() {
        return blocks().toString();
    }

    /** The denied block the address is in, if any. */
    public Optional<String> deniedBlock(InetAddress address) {
        InetSocketAddress socket = new InetSocketAddress(address, 0);
        return denied.stream().filter(r -> r.rule().matches(socket)).map(Range::text).findFirst();
    }

    /**
     * Throws if the URL's host is an address in a denied block or is {@code localhost}; other names
     * are not resolved here (the push worker checks what they resolve to at each attempt).
     */
    void checkHost(String host) {
        String bare = unbracketed(host);
        String name = bare.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1); // the root's dot: "localhost." is localhost
        }
        InetAddress address;
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            address = InetAddress.getLoopbackAddress();
        } else {
            byte[] literal = NetUtil.createByteArrayFromIpAddressString(bare);
            if (literal == null) {
                String last = name.substring(name.lastIndexOf('.') + 1);
                if (!last.isEmpty() && last.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    // 2130706433, 127.1, 0177.0.0.1: resolvers read these as addresses, not names
                    throw new RouterException(ErrorCode.INVALID_PARAMETER, "the push endpoint's host " + host
                            + " is neither a host name (its last label is a number) nor an address in dotted form",
                            Map.of("parameter", "url"));
                }
                return;
            }
            try {
                address = InetAddress.getByAddress(literal);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("Netty parsed " + host + " into an address of neither family", e);
            }
        }
        Optional<String> block = deniedBlock(address);
        if (block.isPresent()) {
            throw new RouterException(ErrorCode.INVALID_PARAMETER, "the push endpoint's host " + host + " is in " + block.get()
                    + ", a network push endpoints may not be in (" + KEY + ")", Map.of("parameter", "url"));
        }
    }

    /** A URI's host as a resolver takes it: an IPv6 literal without its brackets. */
    public static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
