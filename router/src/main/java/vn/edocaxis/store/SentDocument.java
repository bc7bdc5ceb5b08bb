package vn.edocaxis.store;

import java.util.List;
import java.util.UUID;

/** A document as its sender sent it: who sent it and to which units it was delivered. */
public record SentDocument(UUID id, String fromUnit, List<String> recipientUnits) {
}
