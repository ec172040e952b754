package dev.cairn.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * What the service tells about a volume.
 *
 * @param name volume name, unique in its pool
 * @param pool the pool holding the volume
 * @param key stable identity of the volume (a UUID)
 * @param path where the volume's storage lives
 * @param format {@code raw}, {@code qcow2}, ...
 * @param capacity virtual size in bytes, what a reader of the volume sees
 * @param allocation bytes the volume really occupies on its storage
 * @param currentSnapshot name of the current snapshot; absent when there is none
 * @param snapshotCount number of snapshots of the volume
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VolumeInfo(
        String name,
        String pool,
        String key,
        String path,
        String format,
        @JsonPropertyDescription("virtual size in bytes") long capacity,
        @JsonPropertyDescription("bytes the volume really occupies on its storage") long allocation,
        @JsonPropertyDescription("name of the current snapshot; absent when there is none") String currentSnapshot,
        int snapshotCount) {
}
