package vn.edocaxis.store;

import java.util.List;

/**
 * A submission's receipt as its sender gets it: the receipt itself, where it sits in the hash tree
 * of the receipts signed together with it, and the router's signature of that tree's root. One
 * signature covers every receipt of a batch transaction (see {@link GroupCommitter.Sealer}); a
 * receipt issued alone is a tree of one, with an empty path. docs/API.md says how a sender checks
 * one offline.
 *
 * @param payload base64url (no padding) of the receipt's JSON
 * @param path    the sibling hashes from the receipt's leaf up to the root, each {@code L:} or
 *                {@code R:} (the side the sibling is on) and 64 hex digits
 * @param batch   a JWS (compact) by the router over {@code {"root": hex}}
 */
public record Receipt(String payload, List<String> path, String batch) {

    public Receipt {
        path = List.copyOf(path);
    }
}
