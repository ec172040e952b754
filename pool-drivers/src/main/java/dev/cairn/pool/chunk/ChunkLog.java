package dev.cairn.pool.chunk;

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
 * {@code g % 2}. The commit forces the data file after the apply, and slot {@code g % 2} is written
 * again only in the transaction of generation {@code g + 2}, after the commit of {@code g + 1} forced
 * the data file once more: a log is never overwritten while a reopen may still need to replay it.
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
    /** Bytes one generation may log; a write that does not fit is copied on write instead. */
    static final long SLOT_BYTES = 64L << 20;
    private static final int HEADER_BYTES = 16;

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
    private int slot;
    private long bytes;
    private boolean writtenSinceForce;

    ChunkLog(FileChannel channel, StoreLayout layout, long committedGeneration) {
        this.channel = channel;
        this.chunkSizeBytes = layout.chunkSizeBytes();
        this.dataChunkCount = layout.dataChunkCount();
        this.slot = (int) ((committedGeneration + 1) & 1);
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
        ByteBuffer record = ByteBuffer.allocate(HEADER_BYTES + len).order(ByteOrder.LITTLE_ENDIAN);
        record.putLong(chunk).putInt(inChunkOffset).putInt(len).put(buf, off, len).flip();
        long position = slotStart(slot) + bytes;
        crc.update(record.duplicate());
        writeFully(record, position);
        writtenSinceForce = true;
        Entry entry = new Entry(chunk, inChunkOffset, len, position);
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
                long source = entry.position() + HEADER_BYTES + (from - entry.inChunkOffset());
                readFully(ByteBuffer.wrap(buf, off + from - inChunkOffset, to - from), source);
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

    /** Forces the log file; skipped when nothing was logged since the last force. */
    void force() throws IOException {
        if (writtenSinceForce) {
            channel.force(false);
            writtenSinceForce = false;
        }
    }

    /**
     * After the superblock naming this log is durable: writes the logged bytes into their chunks, in
     * log order, and starts the next transaction's log in the other slot. The caller forces the data
     * file next.
     *
     * @return whether anything was logged (and so written now)
     */
    boolean applyCommitted(ChunkData data) throws IOException {
        boolean anyLogged = !entries.isEmpty();
        for (Entry entry : entries) {
            byte[] logged = new byte[entry.length()];
            readFully(ByteBuffer.wrap(logged), entry.position() + HEADER_BYTES);
            data.write(entry.chunk(), entry.inChunkOffset(), logged, 0, entry.length());
        }
        entries.clear();
        entriesByChunk.clear();
        crc.reset();
        bytes = 0;
        slot ^= 1;
        return anyLogged;
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
        CRC32C check = new CRC32C();
        visit(start, committed.logBytes(), (header, body) -> {
            check.update(header.duplicate().clear());
            check.update(ByteBuffer.wrap(body));
        });
        if ((int) check.getValue() != committed.logCrc()) {
            throw ChunkStoreException.corrupt("intent log of generation " + committed.generation()
                    + " does not match its checksum");
        }
        visit(start, committed.logBytes(), (header, body) ->
                data.write(header.getLong(0), header.getInt(8), body, 0, body.length));
        data.force();
    }

    void close() throws IOException {
        channel.close();
    }

    private interface RecordVisitor {
        void visit(ByteBuffer header, byte[] body) throws IOException;
    }

    private void visit(long start, long length, RecordVisitor visitor) throws IOException {
        for (long done = 0; done < length; ) {
            if (length - done < HEADER_BYTES) {
                throw ChunkStoreException.corrupt("intent log ends inside a record header");
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readFully(header, start + done);
            int inChunkOffset = header.getInt(8);
            int len = header.getInt(12);
            long chunk = header.getLong(0);
            if (chunk < 0 || chunk >= dataChunkCount || inChunkOffset < 0 || len <= 0 || len > chunkSizeBytes - inChunkOffset
                    || HEADER_BYTES + len > length - done) {
                throw ChunkStoreException.corrupt("intent log record at " + done + " is out of range");
            }
            byte[] body = new byte[len];
            readFully(ByteBuffer.wrap(body), start + done + HEADER_BYTES);
            visitor.visit(header, body);
            done += HEADER_BYTES + len;
        }
    }

    private static long slotStart(int slot) {
        return slot * SLOT_BYTES;
    }

    private void writeFully(ByteBuffer source, long position) throws IOException {
        long at = position;
        while (source.hasRemaining()) {
            at += channel.write(source, at);
        }
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
