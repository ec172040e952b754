package dev.cairn.web.pool;

import dev.cairn.pool.spi.PoolDirectories;
import dev.cairn.pool.spi.StorageFailures;
import dev.cairn.web.catalog.PoolRow;
import dev.cairn.web.catalog.SnapshotRepository;
import dev.cairn.web.catalog.SnapshotRow;
import dev.cairn.web.catalog.VolumeRepository;
import dev.cairn.web.catalog.VolumeRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pool's own copy of each volume's snapshot tree, kept with the pool's storage in
 * {@code .cairn/snapshots/VOLUME.json}: names, identities, parents, descriptions, creation times, engine
 * references and the current snapshot. Rewritten atomically (temp file, forced, renamed, directory forced)
 * after every change of the tree, under the volume's lock, so that a pool whose catalog is lost (or that is
 * defined again at its path) comes back with its trees, not only with its volumes.
 */
@Component
public class PoolNamespace {
    static final String DIRECTORY = "snapshots";
    private static final Logger LOG = LoggerFactory.getLogger(PoolNamespace.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final VolumeRepository volumes;
    private final SnapshotRepository snapshots;

    PoolNamespace(VolumeRepository volumes, SnapshotRepository snapshots) {
        this.volumes = volumes;
        this.snapshots = snapshots;
    }

    /** One volume's tree as the pool keeps it. */
    public record SavedVolume(String volume, UUID volumeKey, String current, List<SavedSnapshot> snapshots) {
    }

    /** One snapshot as the pool keeps it; {@code parent} by name. */
    public record SavedSnapshot(String name, UUID uuid, String parent, String description, Instant createdAt,
                                String engineRef) {
    }

    /** Writes the volume's tree as the catalog has it now (removes the file when it has no snapshots). */
    public void save(PoolRow pool, long volumeId) {
        Optional<VolumeRow> volume = volumes.findById(volumeId);
        if (volume.isEmpty()) {
            return;
        }
        List<SnapshotRow> rows = snapshots.findByVolumeIdOrderByCreatedAtAscIdAsc(volumeId);
        if (rows.isEmpty()) {
            forget(pool, volume.get().name());
            return;
        }
        Map<Long, String> names = new HashMap<>();
        rows.forEach(row -> names.put(row.id(), row.name()));
        SavedVolume saved = new SavedVolume(volume.get().name(), volume.get().volumeKey(),
                names.get(volume.get().currentSnapshotId()),
                rows.stream().map(row -> new SavedSnapshot(row.name(), row.uuid(), names.get(row.parentId()),
                        row.description(), row.createdAt(), row.engineRef())).toList());
        Path file = file(pool, saved.volume());
        try {
            Files.createDirectories(file.getParent());
            PoolDirectories.replaceAtomically(file, JSON.writeValueAsBytes(saved));
        } catch (IOException e) {
            throw StorageFailures.translate("keep the snapshot tree of volume '" + saved.volume() + "' with its pool",
                    e);
        }
    }

    /** Removes the pool's copy of a volume's tree (the volume or all its snapshots are gone). */
    public void forget(PoolRow pool, String volume) {
        try {
            Files.deleteIfExists(file(pool, volume));
        } catch (IOException e) {
            throw StorageFailures.translate("forget the snapshot tree of volume '" + volume + "'", e);
        }
    }

    /** The pool's copy of a volume's tree, when it has one that can be read. */
    public Optional<SavedVolume> read(PoolRow pool, String volume) {
        Path file = file(pool, volume);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(file), SavedVolume.class));
        } catch (IOException | JacksonException e) {
            LOG.warn("ignoring the unreadable snapshot tree {}: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    private static Path file(PoolRow pool, String volume) {
        return Path.of(pool.path()).resolve(PoolDirectories.METADATA_DIR).resolve(DIRECTORY).resolve(volume + ".json");
    }
}
