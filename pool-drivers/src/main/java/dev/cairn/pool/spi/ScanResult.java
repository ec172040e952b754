package dev.cairn.pool.spi;

import java.util.List;

/**
 * What a pool's storage holds.
 *
 * @param volumes entries the pool can serve as volumes
 * @param ignored entries it cannot serve, each as {@code "name: reason"}
 */
public record ScanResult(List<StoredVolume> volumes, List<String> ignored) {
    public ScanResult {
        volumes = List.copyOf(volumes);
        ignored = List.copyOf(ignored);
    }
}
