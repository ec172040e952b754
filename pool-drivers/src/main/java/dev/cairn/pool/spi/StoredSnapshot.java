package dev.cairn.pool.spi;

import java.time.Instant;

/**
 * A snapshot as storage holds it, for adopting snapshots made outside Cairn (e.g. by qemu-img).
 *
 * @param name the name storage records (any text; the service makes a valid pool-unique name of it)
 * @param engineRef the reference {@link SnapshotEngine} calls take
 * @param createdAt when storage says it was taken
 */
public record StoredSnapshot(String name, String engineRef, Instant createdAt) {
}
