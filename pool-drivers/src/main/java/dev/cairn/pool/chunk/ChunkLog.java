package dev.cairn.pool.chunk;

import dev.cairn.pool.spi.FileWrites;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The intent log: small writes into committed, unshared data chunks, kept out of those chunks until
 * the commit that contains them is durable.
 *
 * <p>A chunk the last commit references must not change in place before the next commit, or a crash
 * would reopen the last commit with newer bytes in it. Copying the whole chunk on the first small
 * write after each commit keeps that rule but costs a chunk read and a chunk write per small write
 * (64 KiB each for 4 KiB). Instead, a partial write into a chunk the committed state uses and no other
 * device shares is appended here, and reads of that chunk lay the logged bytes over the chunk's own.
 * The commit forces the log with the data, names its length and CRC32C in the new superblock, and
 * once that superblock is durable writes the logged bytes into their chunks (the apply): the chunk
 * then holds what the new generation says it holds. A crash before the apply finishes is repaired at
 * open by replaying the committed generation's log, which rewrites the same bytes (replay is idempotent).
 *
 * <p>The file {@value #FILE} has two slots of {@link #SLOT_BYTES}; generation {@code g} logs in slot
 * {@code g % 2}. The apply after commit {@code g} is not forced: commit {@code g + 1} forces the data
 * file before its superblock, so log {@code g} is no longer needed once superblock {@code g + 1} is
 * durable, and slot {@code g % 2} is written again only in the transaction of generation {@code g + 2},
 * which starts after that. A log is never overwritten while a reopen may still need to replay it.
 *
 * <p>Records are gathered in a buffer and written to the file in large sequential writes, when the
 * buffer is full and at every commit ({@link #flush}, before the superblock names them); until then
 * reads take logged bytes from the buffer.
 *
 * <p>Record layout (little-endian, records back to back from the slot's start):
 * <pre>
 * 0   u64 data chunk
 * 8   u32 offset in the chunk
 * 12  u32 length n (1 .. chunk size - 1)
 * 16  n bytes
 * </pre>
 * Not thread-safe: guarded by the store lock.
 */
final class ChunkLog {

    static final String FILE = "chunks.log";
    /** Bytes one generation may log; a small write that would not fit commits first (the log is then empty). */
    static final long SLOT_BYTES = 64L << 20;
    private static final int HEADER_BYTES = 16;
    /** Records gathered before one sequential write into the log file (more for chunks above 1 MiB - 16). */
    private static final int BUFFER_BYTES = 1 << 20;

    /** One logged write: its bytes are at {@code position + HEADER_BYTES} in the log file. */
    private record Entry(long chunk, int inChunkOffset, int length, long position) {
    }

    private final FileChannel channel;
    private final int chunkSizeBytes;
    private final long dataChunkCount;
    /** This transaction's entries in log order, and the same entries by chunk for reads. */
    private final List<Entry> entries = new ArrayList<>();
    private final Map<Long, List<Entry>> entriesByChunk = new HashMap<>();
    private final CRC32C crc = new CRC32C();
    /** Records from {@link #flushedBytes} on, not yet in the file; any one record fits in it. */
    private final ByteBuffer buffer;
    private int slot;
    private long bytes;
    private long flushedBytes;
    private boolean writtenSinceForce;

    ChunkLog(FileChannel channel, StoreLayout layout, long committedGeneration) {
        this.channel = channel;
        this.chunkSizeBytes = layout.chunkSizeBytes();
        this.dataChunkCount = layout.dataChunkCount();
        this.slot = (int) ((committedGeneration + 1) & 1);
        this.buffer = ByteBuffer.allocateDirect(Math.max(BUFFER_BYTES, HEADER_BYTES + chunkSizeBytes))
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Whether a write of {@code len} bytes fits in this transaction's slot. */
    boolean fits(int len) {
        return bytes + HEADER_BYTES + len <= SLOT_BYTES;
    }

    /** Logged bytes of this chunk in this transaction (0 when none). */
    long loggedBytes(long chunk) {
        List<Entry> logged = entriesByChunk.get(chunk);
        long total = 0;
        if (logged != null) {
            for (Entry entry : logged) {
                total += entry.length();
            }
        }
        return total;
    }

    /** Appends a write of {@code len} bytes at {@code inChunkOffset} of {@code chunk}; the caller checked {@link #fits}. */
    void append(long chunk, int inChunkOffset, byte[] buf, int off, int len) throws IOException {
        if (buffer.remaining() < HEADER_BYTES + len) {
            flush();
        }
        int start = buffer.position();
        buffer.putLong(chunk).putInt(inChunkOffset).putInt(len).put(buf, off, len);
        crc.update(buffer.duplicate().position(start).limit(buffer.position()));
        Entry entry = new Entry(chunk, inChunkOffset, len, slotStart(slot) + bytes);
        entries.add(entry);
        entriesByChunk.computeIfAbsent(chunk, key -> new ArrayList<>()).add(entry);
        bytes += HEADER_BYTES + len;
    }

    /**
     * Lays this transaction's logged bytes of {@code chunk} over {@code buf[off, off + len)}, which
     * holds the chunk's bytes from {@code inChunkOffset}, in log order (later writes win).
     */
    void overlay(long chunk, int inChunkOffset, byte[] buf, int off, int len) throws IOException {
        List<Entry> logged = entriesByChunk.get(chunk);
        if (logged == null) {
            return;
        }
        for (Entry entry : logged) {
            int from = Math.max(inChunkOffset, entry.inChunkOffset());
            int to = Math.min(inChunkOffset + len, entry.inChunkOffset() + entry.length());
            if (from < to) {
                readLogged(entry, from - entry.inChunkOffset(), buf, off + from - inChunkOffset, to - from);
            }
        }
    }

    /** Log bytes of this transaction, for the superblock. */
    long bytes() {
        return bytes;
    }

    /** CRC32C of this transaction's log bytes, for the superblock. */
    int checksum() {
        return (int) crc.getValue();
    }

    /**
     * Writes the buffered records into the log file. The commit calls it before the superblock names
     * the log, forced or not: a clean reopen replays the log from the file.
     */
    void flush() throws IOException {
        if (buffer.position() == 0) {
            return;
        }
        buffer.flip();
        writeFully(buffer, slotStart(slot) + flushedBytes);
        buffer.clear();
        flushedBytes = bytes;
        writtenSinceForce = true;
    }

    /** Forces the log file after {@link #flush}; skipped when nothing was written since the last force. */
    void force() throws IOException {
        if (writtenSinceForce) {
            channel.force(false);
            writtenSinceForce = false;
        }
    }

    /**
     * After the superblock naming this log is durable (so after {@link #flush}): writes the logged
     * bytes into their chunks, in log order, reading the log back in buffer-sized pieces, and starts
     * the next transaction's log in the other slot. The data file is forced by the next commit,
     * before its superblock (see the class comment).
     */
    void applyCommitted(ChunkData data) throws IOException {
        visit(slotStart(slot), bytes, data::write);
        entries.clear();
        entriesByChunk.clear();
        crc.reset();
        buffer.clear();
        bytes = 0;
        flushedBytes = 0;
        slot ^= 1;
    }

    /**
     * At open: replays the log of the committed generation into the data file and forces it, so the
     * chunks hold exactly that generation whether or not its apply had finished before a crash.
     *
     * @throws ChunkStoreException {@code CORRUPT} when the log does not match the superblock
     */
    void replay(Superblock committed, ChunkData data) throws IOException {
        if (committed.logBytes() == 0) {
            return;
        }
        if (committed.logBytes() > SLOT_BYTES) {
            throw ChunkStoreException.corrupt("intent log of " + committed.logBytes() + " bytes exceeds its slot");
        }
        long start = slotStart(committed.slot());
        // Check the whole log before writing any of it into chunks.
        int checksum = visit(start, committed.logBytes(), (chunk, inChunkOffset, body) -> {
        });
        if (checksum != committed.logCrc()) {
            throw ChunkStoreException.corrupt("intent log of generation " + committed.generation()
                    + " does not match its checksum");
        }
        visit(start, committed.logBytes(), data::write);
        data.force();
    }

    void close() throws IOException {
        channel.close();
    }

    private interface RecordVisitor {
        /** {@code body} holds the record's bytes between its position and limit. */
        void visit(long chunk, int inChunkOffset, ByteBuffer body) throws IOException;
    }

    /**
     * Visits the records in {@code [start, start + length)} of the file in log order, reading it in
     * pieces of the buffer's size (any one record fits in a piece); returns the CRC32C of those bytes.
     */
    private int visit(long start, long length, RecordVisitor visitor) throws IOException {
        CRC32C check = new CRC32C();
        for (long done = 0; done < length; ) {
            if (length - done < HEADER_BYTES) {
                throw ChunkStoreException.corrupt("intent log ends inside a record header");
            }
            buffer.clear().limit((int) Math.min(buffer.capacity(), length - done));
            readFully(buffer, start + done);
            int used = 0;
            while (buffer.limit() - used >= HEADER_BYTES) {
                long chunk = buffer.getLong(used);
                int inChunkOffset = buffer.getInt(used + 8);
                int len = buffer.getInt(used + 12);
                if (chunk < 0 || chunk >= dataChunkCount || inChunkOffset < 0 || len <= 0
                        || len > chunkSizeBytes - inChunkOffset || HEADER_BYTES + len > length - done - used) {
                    throw ChunkStoreException.corrupt("intent log record at " + (done + used) + " is out of range");
                }
                if (HEADER_BYTES + len > buffer.limit() - used) {
                    break; // The next piece starts with this record.
                }
                visitor.visit(chunk, inChunkOffset, buffer.duplicate().limit(used + HEADER_BYTES + len)
                        .position(used + HEADER_BYTES));
                used += HEADER_BYTES + len;
            }
            check.update(buffer.duplicate().position(0).limit(used));
            done += used;
        }
        buffer.clear();
        return (int) check.getValue();
    }

    /** {@code n} logged bytes of {@code entry} from {@code skip} into {@code dst}: from the buffer or the file. */
    private void readLogged(Entry entry, int skip, byte[] dst, int dstOff, int n) throws IOException {
        long source = entry.position() + HEADER_BYTES + skip;
        long flushedEnd = slotStart(slot) + flushedBytes;
        if (entry.position() >= flushedEnd) {
            buffer.get((int) (source - flushedEnd), dst, dstOff, n);
        } else {
            readFully(ByteBuffer.wrap(dst, dstOff, n), source);
        }
    }

    private static long slotStart(int slot) {
        return slot * SLOT_BYTES;
    }

    private void writeFully(ByteBuffer source, long position) throws IOException {
        FileWrites.writeFully(channel, source, position);
    }

    private void readFully(ByteBuffer target, long position) throws IOException {
        long at = position;
        while (target.hasRemaining()) {
            int read = channel.read(target, at);
            if (read < 0) {
                throw ChunkStoreException.corrupt("intent log ends early at byte " + at);
            }
            at += read;
        }
    }
}
