package dev.cairn.pool.chunk;

import dev.cairn.api.ResourceName;
import dev.cairn.pool.spi.PoolDirectories;
import dev.cairn.pool.spi.StorageFailures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Which device of the chunk store holds which volume: {@code .cairn/chunk-volumes.tsv} in the pool
 * directory, one {@code name<TAB>deviceId} line per volume, and one {@code volume@snapshot<TAB>deviceId} line
 * per snapshot.
 *
 * <p>A change appends one line and forces the file, so a snapshot costs the same with 10 or 100,000
 * others: {@code key<TAB>deviceId<TAB>crc} names a device, {@code key<TAB>-<TAB>crc} drops the key, where
 * {@code crc} is the CRC32C (8 hex digits) of the text before the last tab. Lines are read in order, the
 * last one for a key wins. A line without its newline or failing its CRC is a cut-short append (a crash
 * during it) and is ignored; when the appended lines outnumber the live keys (plus {@value #SLACK_LINES}),
 * or at load when a line was ignored, the file is compacted: the live keys, one two-field line each (the
 * format before appends, still read), written to a new file that is forced, renamed over the old one and
 * the directory forced, so a crash leaves either the old file or the new one. Guarded by this object's
 * monitor.
 */
final class ChunkVolumeTable {
    static final String FILE_NAME = "chunk-volumes.tsv";
    /** Appended lines tolerated beyond the live keys before a compaction. */
    static final int SLACK_LINES = 1024;
    private static final String REMOVED = "-";

    private final Path file;
    private final Map<String, Long> deviceByName;
    /** The reverse of the snapshot keys ({@code volume@snapshot}), for deleting a snapshot by its device. */
    private final Map<Long, String> snapshotKeyByDevice = new HashMap<>();
    private long appendedLines;

    private ChunkVolumeTable(Path file, Map<String, Long> deviceByName, long appendedLines) {
        this.file = file;
        this.deviceByName = deviceByName;
        this.appendedLines = appendedLines;
        deviceByName.forEach(this::indexSnapshot);
    }

    /** The table in {@code metadataDir}; empty when there is none yet. Compacts it when it holds a cut-short line. */
    static ChunkVolumeTable load(Path metadataDir) {
        Path file = metadataDir.resolve(FILE_NAME);
        Map<String, Long> entries = new TreeMap<>();
        boolean ignoredLine = false;
        long appended = 0;
        try {
            if (Files.exists(file)) {
                String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
                List<String> lines = text.lines().toList();
                for (int i = 0; i < lines.size(); i++) {
                    boolean complete = i < lines.size() - 1 || text.endsWith("\n");
                    int kind = complete ? apply(lines.get(i), entries) : 0;
                    ignoredLine |= kind == 0;
                    appended += kind == 2 ? 1 : 0;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("unreadable chunk volume table " + file, e);
        }
        ChunkVolumeTable table = new ChunkVolumeTable(file, entries, appended);
        if (ignoredLine) {
            // Appends must not follow a cut-short line: they would join it and fail their check.
            synchronized (table) {
                table.compact();
            }
        }
        return table;
    }

    /** Applies one line; returns 0 when it is ignored, 1 for a compacted line, 2 for an appended one. */
    private static int apply(String line, Map<String, Long> entries) {
        String[] fields = line.split("\t", -1);
        if (fields.length < 2 || fields.length > 3 || !isKey(fields[0])) {
            return 0;
        }
        if (fields.length == 3 && !fields[2].equals(checksum(fields[0] + '\t' + fields[1]))) {
            return 0;
        }
        if (fields.length == 3 && fields[1].equals(REMOVED)) {
            entries.remove(fields[0]);
            return 2;
        }
        try {
            entries.put(fields[0], Long.parseLong(fields[1]));
        } catch (NumberFormatException e) {
            return 0;
        }
        return fields.length == 3 ? 2 : 1;
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

    /** The snapshot key ({@code volume@snapshot}) naming {@code deviceId}, when one does. O(1). */
    synchronized Optional<String> findSnapshotKey(long deviceId) {
        return Optional.ofNullable(snapshotKeyByDevice.get(deviceId));
    }

    synchronized Map<String, Long> entries() {
        return Collections.unmodifiableMap(new TreeMap<>(deviceByName));
    }

    /** Names {@code deviceId}; durable when this returns. */
    synchronized void put(String name, long deviceId) {
        append(name, Long.toString(deviceId));
        Long old = deviceByName.put(name, deviceId);
        if (old != null) {
            snapshotKeyByDevice.remove(old, name);
        }
        indexSnapshot(name, deviceId);
    }

    /** Drops the key, when present; durable when this returns. */
    synchronized void remove(String name) {
        if (deviceByName.containsKey(name)) {
            append(name, REMOVED);
            snapshotKeyByDevice.remove(deviceByName.remove(name), name);
        }
    }

    private void indexSnapshot(String name, long deviceId) {
        if (name.indexOf('@') >= 0) {
            snapshotKeyByDevice.put(deviceId, name);
        }
    }

    /**
     * Appends and forces one line; compacts instead when appends outnumber the live keys (the new
     * state then goes into the compacted file). The file's first version is written by a compaction,
     * which also makes its directory entry durable.
     */
    private void append(String key, String value) {
        try {
            if (!Files.exists(file) || appendedLines + 1 > deviceByName.size() + SLACK_LINES) {
                Map<String, Long> next = new TreeMap<>(deviceByName);
                if (value.equals(REMOVED)) {
                    next.remove(key);
                } else {
                    next.put(key, Long.parseLong(value));
                }
                writeCompacted(next);
                return;
            }
            String fields = key + '\t' + value;
            byte[] line = (fields + '\t' + checksum(fields) + '\n').getBytes(StandardCharsets.UTF_8);
            PoolDirectories.appendDurably(file, line);
            appendedLines++;
        } catch (IOException e) {
            throw StorageFailures.translate("write the chunk pool's volume table", e);
        }
    }

    private void compact() {
        try {
            writeCompacted(deviceByName);
        } catch (IOException e) {
            throw StorageFailures.translate("write the chunk pool's volume table", e);
        }
    }

    private void writeCompacted(Map<String, Long> entries) throws IOException {
        StringBuilder text = new StringBuilder();
        entries.forEach((name, id) -> text.append(name).append('\t').append(id).append('\n'));
        PoolDirectories.replaceAtomically(file, text.toString().getBytes(StandardCharsets.UTF_8));
        appendedLines = 0;
    }

    private static String checksum(String fields) {
        CRC32C crc = new CRC32C();
        crc.update(fields.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }
}
