package vn.edocaxis.store;

import java.util.UUID;

/** Where a delivery's package is stored, and what the whole of it hashes to. */
public record PackageRef(long deliveryId, UUID documentId, String unitCode, long size, byte[] sha256, int chunkCount,
                         int chunkBytes) {
}
