package dev.cairn.pool.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkVolumeTableTest {

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve(ChunkVolumeTable.FILE_NAME);
    }

    @Test
    void putsAndRemovesAreAppendedAndReadBackInOrder() throws IOException {
        ChunkVolumeTable table = ChunkVolumeTable.load(dir);
        table.put("vm", 1);
        table.put("vm@s1", 2);
        table.put("vm@s2", 3);
        table.remove("vm@s1");
        table.put("vm", 4);
        assertThat(Files.readAllLines(file())).as("the first change writes the file, later ones append")
                .hasSize(5).first().isEqualTo("vm\t1");
        assertThat(ChunkVolumeTable.load(dir).entries()).isEqualTo(Map.of("vm", 4L, "vm@s2", 3L));
        assertThat(table.findSnapshotKey(3)).contains("vm@s2");
        assertThat(table.findSnapshotKey(2)).isEmpty();
        assertThat(table.findSnapshotKey(4)).as("volumes are not snapshot keys").isEmpty();
    }

    @Test
    void aCutShortOrCorruptLineIsIgnoredAndTheFileCompactedBeforeTheNextAppend() throws IOException {
        ChunkVolumeTable table = ChunkVolumeTable.load(dir);
        table.put("vm", 1);
        table.put("vm@s1", 2);
        String good = Files.readString(file());
        String corrupt = "vm@s9\t9\t00000000\n";
        // A crash during an append: the line lacks its end (and its CRC).
        Files.writeString(file(), good + corrupt + "vm@s2\t3", StandardOpenOption.TRUNCATE_EXISTING);

        ChunkVolumeTable reloaded = ChunkVolumeTable.load(dir);
        assertThat(reloaded.entries()).isEqualTo(Map.of("vm", 1L, "vm@s1", 2L));
        assertThat(Files.readString(file())).isEqualTo("vm\t1\nvm@s1\t2\n");
        reloaded.put("vm@s3", 4);
        assertThat(ChunkVolumeTable.load(dir).entries()).isEqualTo(Map.of("vm", 1L, "vm@s1", 2L, "vm@s3", 4L));
    }

    @Test
    void theFormatBeforeAppendsIsStillRead() throws IOException {
        Files.writeString(file(), "a\t1\na@s\t2\n", StandardCharsets.UTF_8);
        ChunkVolumeTable table = ChunkVolumeTable.load(dir);
        assertThat(table.entries()).isEqualTo(Map.of("a", 1L, "a@s", 2L));
        table.remove("a@s");
        assertThat(ChunkVolumeTable.load(dir).entries()).isEqualTo(Map.of("a", 1L));
    }

    @Test
    void appendsAreCompactedSoTheFileFollowsTheLiveKeys() throws IOException {
        ChunkVolumeTable table = ChunkVolumeTable.load(dir);
        int keys = 3 * ChunkVolumeTable.SLACK_LINES;
        for (int i = 0; i < keys; i++) {
            table.put("vm@s" + i, i);
        }
        for (int i = 0; i < keys - 10; i++) {
            table.remove("vm@s" + i);
        }
        // Appends stay within the live keys plus the slack; the compacted lines before them, within the
        // live keys plus those appends.
        assertThat(Files.readAllLines(file()).size()).isLessThanOrEqualTo(3 * 10 + 2 * ChunkVolumeTable.SLACK_LINES);
        assertThat(ChunkVolumeTable.load(dir).entries()).hasSize(10).containsEntry("vm@s" + (keys - 1), keys - 1L);
    }
}
