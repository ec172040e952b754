package dev.cairn.pool.delta;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;

/**
 * Who a snapshot is, as a delta stream names it: a stable UUID (what an applier matches) and the name
 * (what the applied snapshot is called).
 *
 * @param id   never the all-zero UUID
 * @param name 1 to {@value #MAX_NAME_BYTES} bytes of UTF-8
 */
public record SnapshotIdentity(UUID id, String name) {

    /** Longest name a stream carries, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 1024;

    static final UUID NONE = new UUID(0, 0);

    public SnapshotIdentity {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        if (id.equals(NONE)) {
            throw new IllegalArgumentException("a snapshot identity cannot be the all-zero UUID");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("a snapshot name in a delta has 1 to " + MAX_NAME_BYTES
                    + " bytes of UTF-8, not " + bytes);
        }
    }
}
