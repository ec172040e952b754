package dev.cairn.web.pool;

import dev.cairn.pool.spi.PoolDirectories;
import dev.cairn.pool.spi.StorageFailures;
import dev.cairn.web.catalog.PoolRow;
import dev.cairn.web.catalog.SnapshotRepository;
import dev.cairn.web.catalog.SnapshotRow;
import dev.cairn.web.catalog.VolumeRepository;
import dev.cairn.web.catalog.VolumeRow;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pool's own copy of each volume's snapshot tree, kept with the pool's storage: names, identities,
 * parents, descriptions, creation times, engine references and the current snapshot, so that a pool whose
 * catalog is lost (or that is defined again at its path) comes back with its trees, not only with its
 * volumes. Under the volume's lock, always.
 *
 * <p>Two files per volume in {@code .cairn/snapshots}: {@code VOLUME.json}, the whole tree, replaced
 * atomically (temp file, forced, renamed, directory forced) and numbered by a generation; and
 * {@code VOLUME.log}, one JSON line per change since (a snapshot put, a snapshot removed, the current
 * pointer), appended and forced by {@link #record}. A change therefore costs its own lines, not the size of
 * the tree; the tree file is rewritten ({@link #save}) once the log holds as many lines as the tree had
 * snapshots at its last rewrite (at least {@value #MIN_REWRITE_LINES}), so the cost stays constant per change
 * on average. Reading replays the log lines of the tree file's generation over it: lines of an older
 * generation (a rewrite interrupted before it removed the log) and a torn last line are ignored.
 */
@Component
public class PoolNamespace {
    static final String DIRECTORY = "snapshots";
    static final int MIN_REWRITE_LINES = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(PoolNamespace.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final VolumeRepository volumes;
    private final SnapshotRepository snapshots;
    /** Per tree file: its generation, the log lines written since its rewrite, and its size then. */
    private final Map<Path, LogState> logs = new ConcurrentHashMap<>();

    PoolNamespace(VolumeRepository volumes, SnapshotRepository snapshots) {
        this.volumes = volumes;
        this.snapshots = snapshots;
    }

    /**
     * One volume's tree as the pool keeps it; {@code generation} numbers the rewrites of its file (absent in
     * files written before the log existed).
     */
    public record SavedVolume(String volume, UUID volumeKey, String current, List<SavedSnapshot> snapshots,
                              Long generation) {
        long generationOrZero() {
            return generation == null ? 0 : generation;
        }
    }

    /** One snapshot as the pool keeps it; {@code parent} by name. */
    public record SavedSnapshot(String name, UUID uuid, String parent, String description, Instant createdAt,
                                String engineRef) {
    }

    /** One line of a volume's log: {@code put} (a snapshot as it is now), {@code remove} or {@code current}. */
    record Change(long generation, String op, SavedSnapshot snapshot, String name) {
    }

    private static final class LogState {
        private final long generation;
        private int lines;
        private final int treeSize;

        LogState(long generation, int lines, int treeSize) {
            this.generation = generation;
            this.lines = lines;
            this.treeSize = treeSize;
        }
    }

    /**
     * Rewrites the volume's whole tree as the catalog has it now and empties its log (removes both when it
     * has no snapshots). For changes that touch much of the tree or arrive outside the snapshot API (a delta
     * applied, snapshots adopted or imported); {@link #record} is the cheap path.
     */
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
        Path file = file(pool, volume.get().name());
        long generation = state(file).generation + 1;
        SavedVolume saved = new SavedVolume(volume.get().name(), volume.get().volumeKey(),
                names.get(volume.get().currentSnapshotId()),
                rows.stream().map(row -> new SavedSnapshot(row.name(), row.uuid(), names.get(row.parentId()),
                        row.description(), row.createdAt(), row.engineRef())).toList(), generation);
        try {
            Files.createDirectories(file.getParent());
            PoolDirectories.replaceAtomically(file, JSON.writeValueAsBytes(saved));
            Files.deleteIfExists(log(file));
        } catch (IOException e) {
            logs.remove(file);
            throw StorageFailures.translate("keep the snapshot tree of volume '" + saved.volume() + "' with its pool",
                    e);
        }
        logs.put(file, new LogState(generation, 0, rows.size()));
    }

    /**
     * Appends one change of the volume's tree to its log: the snapshots {@code removed}, the ones
     * {@code changed} (new, or with a new parent; as the catalog has them now) and the current snapshot as the
     * catalog has it now. A revert records no snapshot, only the current one. Writes the whole tree instead
     * when the pool keeps none yet, or when the log has grown as large as the tree.
     */
    public void record(PoolRow pool, long volumeId, List<SnapshotRow> removed, List<SnapshotRow> changed) {
        Optional<VolumeRow> volume = volumes.findById(volumeId);
        if (volume.isEmpty()) {
            return;
        }
        Path file = file(pool, volume.get().name());
        if (!Files.isRegularFile(file) || (!removed.isEmpty() && !snapshots.existsByVolumeId(volumeId))) {
            save(pool, volumeId);
            return;
        }
        LogState state = state(file);
        List<Change> lines = new ArrayList<>();
        removed.forEach(row -> lines.add(new Change(state.generation, "remove", null, row.name())));
        for (SnapshotRow row : changed) {
            String parent = row.parentId() == null ? null
                    : snapshots.findById(row.parentId()).map(SnapshotRow::name).orElse(null);
            lines.add(new Change(state.generation, "put", new SavedSnapshot(row.name(), row.uuid(), parent,
                    row.description(), row.createdAt(), row.engineRef()), null));
        }
        Long currentId = volume.get().currentSnapshotId();
        String current = currentId == null ? null : snapshots.findById(currentId).map(SnapshotRow::name).orElse(null);
        lines.add(new Change(state.generation, "current", null, current));
        StringBuilder text = new StringBuilder();
        for (Change line : lines) {
            text.append(JSON.writeValueAsString(line)).append('\n');
        }
        try {
            PoolDirectories.appendDurably(log(file), text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            logs.remove(file);
            throw StorageFailures.translate("keep the snapshot tree of volume '" + volume.get().name()
                    + "' with its pool", e);
        }
        state.lines += lines.size();
        if (state.lines >= Math.max(MIN_REWRITE_LINES, state.treeSize)) {
            save(pool, volumeId);
        }
    }

    /** Removes the pool's copy of a volume's tree (the volume or all its snapshots are gone). */
    public void forget(PoolRow pool, String volume) {
        Path file = file(pool, volume);
        logs.remove(file);
        try {
            Files.deleteIfExists(log(file));
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw StorageFailures.translate("forget the snapshot tree of volume '" + volume + "'", e);
        }
    }

    /** The pool's copy of a volume's tree (its file with its log replayed), when it has one that can be read. */
    public Optional<SavedVolume> read(PoolRow pool, String volume) {
        Path file = file(pool, volume);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        SavedVolume saved;
        try {
            saved = JSON.readValue(Files.readAllBytes(file), SavedVolume.class);
        } catch (IOException | JacksonException e) {
            LOG.warn("ignoring the unreadable snapshot tree {}: {}", file, e.getMessage());
            return Optional.empty();
        }
        long generation = saved.generationOrZero();
        Map<String, SavedSnapshot> tree = new LinkedHashMap<>();
        saved.snapshots().forEach(snapshot -> tree.put(snapshot.name(), snapshot));
        String current = saved.current();
        for (Change change : changes(file, generation)) {
            switch (change.op()) {
                case "put" -> tree.put(change.snapshot().name(), change.snapshot());
                case "remove" -> tree.remove(change.name());
                case "current" -> current = change.name();
                default -> LOG.warn("ignoring an unknown change '{}' in {}", change.op(), log(file));
            }
        }
        return Optional.of(new SavedVolume(saved.volume(), saved.volumeKey(), current, List.copyOf(tree.values()),
                generation));
    }

    /** The log lines of {@code generation}; a line that cannot be read (a torn end) is skipped. */
    private static List<Change> changes(Path file, long generation) {
        Path log = log(file);
        List<Change> changes = new ArrayList<>();
        if (!Files.isRegularFile(log)) {
            return changes;
        }
        try (BufferedReader reader = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                Change change;
                try {
                    change = JSON.readValue(line, Change.class);
                } catch (JacksonException e) {
                    LOG.warn("ignoring a line of {} that cannot be read: {}", log, e.getMessage());
                    continue;
                }
                if (change.generation() == generation) {
                    changes.add(change);
                }
            }
        } catch (IOException e) {
            LOG.warn("ignoring the unreadable snapshot log {}: {}", log, e.getMessage());
        }
        return changes;
    }

    /**
     * What is known of a tree file's log, read from the files the first time after a start, when a torn
     * last line (a crash during an append) is also cut off, so that the next append starts a line of its own.
     */
    private LogState state(Path file) {
        return logs.computeIfAbsent(file, key -> {
            if (!Files.isRegularFile(key)) {
                return new LogState(0, 0, 0);
            }
            try {
                cutTornEnd(log(key));
                SavedVolume saved = JSON.readValue(Files.readAllBytes(key), SavedVolume.class);
                long generation = saved.generationOrZero();
                return new LogState(generation, changes(key, generation).size(), saved.snapshots().size());
            } catch (IOException | JacksonException e) {
                // Unreadable: the next rewrite starts over.
                return new LogState(0, Integer.MAX_VALUE / 2, 0);
            }
        });
    }

    private static void cutTornEnd(Path log) throws IOException {
        if (!Files.isRegularFile(log)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long end = channel.size();
            ByteBuffer one = ByteBuffer.allocate(1);
            while (end > 0) {
                one.clear();
                channel.read(one, end - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                end--;
            }
            if (end < channel.size()) {
                channel.truncate(end);
                channel.force(false);
            }
        }
    }

    private static Path file(PoolRow pool, String volume) {
        return Path.of(pool.path()).resolve(PoolDirectories.METADATA_DIR).resolve(DIRECTORY).resolve(volume + ".json");
    }

    private static Path log(Path file) {
        String name = file.getFileName().toString();
        return file.resolveSibling(name.substring(0, name.length() - ".json".length()) + ".log");
    }
}
