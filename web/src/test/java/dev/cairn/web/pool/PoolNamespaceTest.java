package dev.cairn.web.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.web.catalog.PoolRow;
import dev.cairn.web.catalog.SnapshotRepository;
import dev.cairn.web.catalog.SnapshotRow;
import dev.cairn.web.catalog.VolumeRepository;
import dev.cairn.web.catalog.VolumeRow;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool's copy of a tree against an in-memory catalog (the two repository methods it reads, behind
 * proxies: the database is the boundary here): every change recorded as log lines reads back as the
 * catalog's tree, the tree file is rewritten once the log is as long as the tree, and a torn last line or
 * lines of an older generation are ignored.
 */
class PoolNamespaceTest {

    @TempDir
    Path dir;

    private final Map<Long, SnapshotRow> catalog = new LinkedHashMap<>();
    private VolumeRow volume;
    private PoolRow pool;
    private PoolNamespace namespace;
    private long nextId = 1;

    @BeforeEach
    void setUp() {
        pool = new PoolRow(1L, "p", UUID.randomUUID(), "dir", dir.toString(), false, Instant.now());
        volume = new VolumeRow(7L, 1L, "vm", UUID.randomUUID(), "qcow2", Instant.now(), null);
        namespace = newNamespace();
    }

    private PoolNamespace newNamespace() {
        VolumeRepository volumes = (VolumeRepository) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {VolumeRepository.class}, (proxy, method, args) -> {
                    if (method.getName().equals("findById")) {
                        return Optional.of(volume);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        SnapshotRepository snapshots = (SnapshotRepository) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SnapshotRepository.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "findById":
                            return Optional.ofNullable(catalog.get((Long) args[0]));
                        case "findByVolumeIdOrderByCreatedAtAscIdAsc":
                            return catalog.values().stream().sorted(Comparator.comparing(SnapshotRow::createdAt)
                                    .thenComparing(SnapshotRow::id)).toList();
                        case "existsByVolumeId":
                            return !catalog.isEmpty();
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
        return new PoolNamespace(volumes, snapshots);
    }

    private SnapshotRow create(String name) {
        SnapshotRow row = new SnapshotRow(nextId++, 1L, 7L, name, UUID.randomUUID(), volume.currentSnapshotId(),
                "about " + name, "ref-" + name, Instant.ofEpochSecond(1_000_000 + nextId), false);
        catalog.put(row.id(), row);
        volume = volume.withCurrentSnapshotId(row.id());
        namespace.record(pool, 7L, List.of(), List.of(row));
        return row;
    }

    private void revert(SnapshotRow to) {
        volume = volume.withCurrentSnapshotId(to.id());
        namespace.record(pool, 7L, List.of(), List.of());
    }

    /** Deletes with the children rebased onto the parent, as SnapshotService does. */
    private void deleteRebasing(SnapshotRow target) {
        List<SnapshotRow> rebased = new ArrayList<>();
        for (SnapshotRow row : List.copyOf(catalog.values())) {
            if (target.id().equals(row.parentId())) {
                SnapshotRow moved = row.withParentId(target.parentId());
                catalog.put(moved.id(), moved);
                rebased.add(moved);
            }
        }
        catalog.remove(target.id());
        if (target.id().equals(volume.currentSnapshotId())) {
            volume = volume.withCurrentSnapshotId(target.parentId());
        }
        namespace.record(pool, 7L, List.of(target), rebased);
    }

    /** The catalog's tree in the pool's terms, to compare with what the pool reads back. */
    private PoolNamespace.SavedVolume expected() {
        List<PoolNamespace.SavedSnapshot> rows = new ArrayList<>();
        for (SnapshotRow row : catalog.values()) {
            String parent = row.parentId() == null ? null : catalog.get(row.parentId()).name();
            rows.add(new PoolNamespace.SavedSnapshot(row.name(), row.uuid(), parent, row.description(), row.createdAt(),
                    row.engineRef()));
        }
        String current = volume.currentSnapshotId() == null ? null : catalog.get(volume.currentSnapshotId()).name();
        return new PoolNamespace.SavedVolume("vm", volume.volumeKey(), current, rows, null);
    }

    private void assertPoolHoldsTheCatalogsTree() {
        // A fresh instance: nothing cached, as after a restart.
        PoolNamespace.SavedVolume read = newNamespace().read(pool, "vm").orElseThrow();
        assertThat(read.current()).isEqualTo(expected().current());
        assertThat(read.volumeKey()).isEqualTo(volume.volumeKey());
        assertThat(read.snapshots()).containsExactlyInAnyOrderElementsOf(expected().snapshots());
    }

    private Path treeFile() {
        return dir.resolve(".cairn/snapshots/vm.json");
    }

    private Path logFile() {
        return dir.resolve(".cairn/snapshots/vm.log");
    }

    @Test
    void changesAreAppendedAndReadBackAsTheCatalogsTree() throws Exception {
        SnapshotRow a = create("a");
        assertThat(treeFile()).exists();
        assertThat(logFile()).doesNotExist();
        SnapshotRow b = create("b");
        create("c");
        revert(a);
        SnapshotRow d = create("d");
        assertThat(Files.readAllLines(logFile())).hasSize(2 + 2 + 1 + 2);
        assertPoolHoldsTheCatalogsTree();

        deleteRebasing(b);
        deleteRebasing(a);
        assertPoolHoldsTheCatalogsTree();
        revert(d);
        assertPoolHoldsTheCatalogsTree();
    }

    @Test
    void theTreeFileIsRewrittenOnceTheLogIsAsLongAsTheTree() throws Exception {
        // The first snapshot writes the tree file; each one after it appends two lines (put, current).
        for (int i = 0; i < PoolNamespace.MIN_REWRITE_LINES / 2; i++) {
            create("s" + i);
        }
        assertThat(Files.readAllLines(logFile())).hasSize(PoolNamespace.MIN_REWRITE_LINES - 2);
        create("next");
        assertThat(logFile()).as("rewritten: the log starts over").doesNotExist();
        assertThat(Files.readString(treeFile())).contains("\"next\"");
        create("after");
        assertThat(Files.readAllLines(logFile())).hasSize(2);
        assertPoolHoldsTheCatalogsTree();
    }

    @Test
    void aTornLastLineIsIgnoredAndCutBeforeTheNextAppend() throws Exception {
        create("a");
        create("b");
        Files.writeString(logFile(), "{\"generation\":1,\"op\":\"remove\",\"na", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        assertPoolHoldsTheCatalogsTree();
        namespace = newNamespace();
        create("c");
        assertThat(Files.readString(logFile())).doesNotContain("\"na{");
        assertPoolHoldsTheCatalogsTree();
    }

    @Test
    void linesOfAnOlderGenerationAreIgnored() throws Exception {
        create("a");
        SnapshotRow b = create("b");
        List<String> staleLog = Files.readAllLines(logFile());
        catalog.remove(b.id());
        volume = volume.withCurrentSnapshotId(catalog.keySet().iterator().next());
        namespace.save(pool, 7L);
        // As if that rewrite had stopped after replacing the tree file, before removing the log.
        Files.write(logFile(), staleLog);
        assertPoolHoldsTheCatalogsTree();
        create("c");
        assertPoolHoldsTheCatalogsTree();
    }

    @Test
    void deletingTheLastSnapshotForgetsTheTree() {
        SnapshotRow a = create("a");
        SnapshotRow b = create("b");
        deleteRebasing(b);
        deleteRebasing(a);
        assertThat(treeFile()).doesNotExist();
        assertThat(logFile()).doesNotExist();
        assertThat(newNamespace().read(pool, "vm")).isEmpty();
    }
}
