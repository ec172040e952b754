package dev.cairn.qcow2;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The stable identity of an internal snapshot of a qcow2 file used on its own (docs/delta-format.md,
 * "Snapshot identities of qcow2 files"): an RFC 9562 version 8 UUID holding the snapshot's creation time
 * (seconds and nanoseconds, as the snapshot table stores them) and 60 bits of the SHA-256 of its name. A
 * snapshot created with the same name and time has the same identity, so an apply can recreate it.
 */
public final class Qcow2Identity {

    private static final long NAME_HASH_MASK = (1L << 60) - 1;

    private Qcow2Identity() {
    }

    /** The identity of a snapshot of this name created at {@code createdAt}. */
    public static UUID of(String name, Instant createdAt) {
        long seconds = createdAt.getEpochSecond();
        long nanos = createdAt.getNano();
        if (seconds < 0 || seconds > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("creation time " + createdAt + " does not fit the snapshot table");
        }
        long msb = seconds << 32 | (nanos >>> 14) << 16 | 0x8000L | ((nanos >>> 2) & 0xFFF);
        long lsb = 2L << 62 | (nanos & 3) << 60 | (nameHash(name) & NAME_HASH_MASK);
        return new UUID(msb, lsb);
    }

    /** The identity of a listed snapshot. */
    public static UUID of(Qcow2Snapshot snapshot) {
        return of(snapshot.name(), snapshot.createdAt());
    }

    /**
     * The creation time {@code id} carries, when {@code id} is the identity of a snapshot named {@code name};
     * empty for any other UUID.
     */
    public static Optional<Instant> createdAt(UUID id, String name) {
        long msb = id.getMostSignificantBits();
        long lsb = id.getLeastSignificantBits();
        if (id.version() != 8 || id.variant() != 2 || (lsb & NAME_HASH_MASK) != (nameHash(name) & NAME_HASH_MASK)) {
            return Optional.empty();
        }
        long nanos = ((msb >>> 16) & 0xFFFF) << 14 | (msb & 0xFFF) << 2 | (lsb >>> 60) & 3;
        if (nanos >= 1_000_000_000L) {
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochSecond(msb >>> 32, nanos));
    }

    private static long nameHash(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
