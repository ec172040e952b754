package dev.cairn.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.UUID;

/**
 * What the service tells about a storage pool.
 *
 * @param name pool name, unique in the service
 * @param uuid stable identity of the pool
 * @param type driver type: {@code dir} or {@code chunk}
 * @param state {@code running}, {@code inactive} or {@code inaccessible}
 * @param path the pool's directory
 * @param capacity bytes the pool's storage can hold in all
 * @param allocation bytes in use on the pool's storage
 * @param available bytes still free for new data
 * @param volumeCount number of volumes in the pool
 */
public record PoolInfo(
        String name,
        UUID uuid,
        String type,
        @JsonPropertyDescription("running, inactive or inaccessible") String state,
        String path,
        @JsonPropertyDescription("bytes the pool's storage can hold in all") long capacity,
        @JsonPropertyDescription("bytes in use on the pool's storage") long allocation,
        @JsonPropertyDescription("bytes still free for new data") long available,
        int volumeCount) {
    public static final String RUNNING = "running";
    public static final String INACTIVE = "inactive";
    public static final String INACCESSIBLE = "inaccessible";
}
