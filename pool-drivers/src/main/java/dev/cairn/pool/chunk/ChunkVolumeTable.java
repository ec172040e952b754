package dev.cairn.pool.chunk;

import dev.cairn.api.ResourceName;
import dev.cairn.pool.spi.PoolDirectories;
import dev.cairn.pool.spi.StorageFailures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which device of the chunk store holds which volume: {@code .cairn/chunk-volumes.tsv} in the pool
 * directory, one {@code name<TAB>deviceId} line per volume, and one {@code volume@snapshot<TAB>deviceId} line
 * per snapshot.
 *
 * <p>The file is never changed in place: a new copy is written and forced, then renamed over the old one
 * and the directory forced, so a crash leaves either the old table or the new one. Guarded by this
 * object's monitor.
 */
final class ChunkVolumeTable {
    static final String FILE_NAME = "chunk-volumes.tsv";

    private final Path file;
    private final Map<String, Long> deviceByName;

    private ChunkVolumeTable(Path file, Map<String, Long> deviceByName) {
        this.file = file;
        this.deviceByName = deviceByName;
    }

    /** The table in {@code metadataDir}; empty when there is none yet. */
    static ChunkVolumeTable load(Path metadataDir) {
        Path file = metadataDir.resolve(FILE_NAME);
        Map<String, Long> entries = new TreeMap<>();
        try {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    int tab = line.indexOf('\t');
                    if (tab > 0 && isKey(line.substring(0, tab))) {
                        entries.put(line.substring(0, tab), Long.parseLong(line.substring(tab + 1)));
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("unreadable chunk volume table " + file, e);
        }
        return new ChunkVolumeTable(file, entries);
    }

    /** A volume name, or {@code volume@snapshot} for a snapshot's device. */
    private static boolean isKey(String key) {
        int at = key.indexOf('@');
        return at < 0 ? ResourceName.isValid(key)
                : ResourceName.isValid(key.substring(0, at)) && ResourceName.isValid(key.substring(at + 1));
    }

    synchronized Optional<Long> find(String name) {
        return Optional.ofNullable(deviceByName.get(name));
    }

    synchronized Map<String, Long> entries() {
        return Collections.unmodifiableMap(new TreeMap<>(deviceByName));
    }

    synchronized void put(String name, long deviceId) {
        Map<String, Long> next = new TreeMap<>(deviceByName);
        next.put(name, deviceId);
        write(next);
        deviceByName.put(name, deviceId);
    }

    synchronized void remove(String name) {
        Map<String, Long> next = new TreeMap<>(deviceByName);
        if (next.remove(name) != null) {
            write(next);
            deviceByName.remove(name);
        }
    }

    private void write(Map<String, Long> entries) {
        StringBuilder text = new StringBuilder();
        entries.forEach((name, id) -> text.append(name).append('\t').append(id).append('\n'));
        try {
            PoolDirectories.replaceAtomically(file, text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw StorageFailures.translate("write the chunk pool's volume table", e);
        }
    }
}
