package dev.cairn.pool.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads of the data file through its mapped segments and through positional reads agree with what was
 * written, before and after a segment is mapped, and past the end of the file.
 */
class ChunkDataTest {

    private static final int CHUNK = 64 * 1024;
    private static final long SEGMENT = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void readsSeeEveryWriteWhetherTheirSegmentIsMappedOrNot() throws Exception {
        try (FileChannel channel = FileChannel.open(dir.resolve("data"), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ChunkData data = new ChunkData(channel, CHUNK, SEGMENT);
            byte[][] chunks = new byte[40][];
            Random random = new Random(5);
            // 2.5 MiB: two whole segments and half of a third, which stays unmapped.
            for (int chunk = 0; chunk < chunks.length; chunk++) {
                chunks[chunk] = new byte[CHUNK];
                random.nextBytes(chunks[chunk]);
                data.write(chunk, 0, chunks[chunk], 0, CHUNK);
            }
            for (int chunk = 0; chunk < chunks.length; chunk++) {
                assertThat(read(data, chunk, 100, 5000)).isEqualTo(Arrays.copyOfRange(chunks[chunk], 100, 5100));
            }
            assertThat(data.mappedSegments()).as("the two whole segments").isEqualTo(2);
            // Written after its segment was mapped: the mapping shares the page cache with the write.
            byte[] patch = new byte[4096];
            Arrays.fill(patch, (byte) 0x5a);
            data.write(3, 8192, patch, 0, patch.length);
            System.arraycopy(patch, 0, chunks[3], 8192, patch.length);
            assertThat(read(data, 3, 0, CHUNK)).isEqualTo(chunks[3]);
            // Beyond the end of the file: zeroes.
            assertThat(read(data, 100, 0, 512)).containsOnly(0);
            data.close();
        }
    }

    private static byte[] read(ChunkData data, long chunk, int offset, int length) throws Exception {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) 1);
        data.read(chunk, offset, bytes, 0, length);
        return bytes;
    }
}
