package dev.cairn.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What the service tells about one snapshot of a volume.
 *
 * @param name pool-unique name
 * @param uuid stable identity (deltas name their base and target by it)
 * @param pool the pool
 * @param volume the volume it belongs to
 * @param parent the snapshot it was taken on top of; absent for a root
 * @param children snapshots taken on top of it, oldest first
 * @param current whether it is the volume's current snapshot (the parent of the next one)
 * @param createdAt when it was taken
 * @param description free text given at creation; absent when none
 * @param adopted whether Cairn found it in storage (made by another tool) rather than took it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SnapshotInfo(
        String name,
        UUID uuid,
        String pool,
        String volume,
        @JsonPropertyDescription("the snapshot it was taken on top of; absent for a root") String parent,
        @JsonPropertyDescription("snapshots taken on top of it, oldest first") List<String> children,
        @JsonPropertyDescription("whether it is the volume's current snapshot") boolean current,
        Instant createdAt,
        String description,
        @JsonPropertyDescription("found in storage (made by another tool, e.g. qemu-img) and adopted as a root")
        boolean adopted) {
    public SnapshotInfo {
        children = List.copyOf(children);
    }
}
