package dev.cairn.qcow2;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a file's data lies, as its file system knows it: {@code lseek(SEEK_DATA)} and
 * {@code lseek(SEEK_HOLE)} (Linux), so that a copy skips a sparse file's holes without reading
 * them, as qemu-img does. Java 17 has no call for this ({@link LinuxCalls}). Where that cannot be
 * done (another system, the native library refused, a file system without the calls) every range
 * counts as data and the caller reads it, which is always correct: holes read as zeroes. The
 * answer is a hint for a file nobody writes meanwhile; ranges it calls data may still hold zeroes.
 */
final class DataExtents implements Closeable {

    private final LinuxCalls calls;
    private final int fd;

    private DataExtents(LinuxCalls calls, int fd) {
        this.calls = calls;
        this.fd = fd;
    }

    /** Whether this process can ask file systems where data lies (else every range counts as data). */
    static boolean available() {
        return LinuxCalls.get() != null;
    }

    /**
     * The extents of {@code file}; where they cannot be asked for, or when not {@code wanted}, an
     * answer that calls everything data.
     */
    static DataExtents open(Path file, boolean wanted) {
        LinuxCalls calls = wanted ? LinuxCalls.get() : null;
        int fd = calls == null ? -1 : calls.openReadOnly(file);
        return new DataExtents(fd < 0 ? null : calls, fd);
    }

    /** A run of data (or of hole) from {@code start} to {@code end}. */
    record Extent(long start, long end, boolean data) {
    }

    /**
     * The run of data or of hole that {@code offset} lies in, from {@code offset} up to at most
     * {@code limit}. Without extents, or where the file system cannot tell, data up to {@code limit}.
     */
    Extent extentAt(long offset, long limit) {
        long data = seek(offset, LinuxCalls.SEEK_DATA);
        if (data == -LinuxCalls.ENXIO || data >= limit) {
            return new Extent(offset, limit, false); // no data before the limit (or the end of the file)
        }
        if (data < 0) {
            return new Extent(offset, limit, true); // the file system cannot tell: read it
        }
        if (data > offset) {
            return new Extent(offset, data, false);
        }
        long hole = seek(offset, LinuxCalls.SEEK_HOLE);
        return new Extent(offset, hole <= offset ? limit : Math.min(hole, limit), true);
    }

    /**
     * The ranges of {@code [from, to)} that may hold data, in order, as {start, end} pairs; the rest
     * is holes. Without extents, the whole span.
     */
    List<long[]> dataRanges(long from, long to) {
        List<long[]> ranges = new ArrayList<>();
        for (long at = from; at < to;) {
            Extent extent = extentAt(at, to);
            if (extent.data()) {
                ranges.add(new long[] {extent.start(), extent.end()});
            }
            at = extent.end();
        }
        return ranges;
    }

    /** lseek's result, or minus its errno; without extents, "data here" for SEEK_DATA. */
    private long seek(long offset, int whence) {
        if (calls == null) {
            return whence == LinuxCalls.SEEK_DATA ? offset : -1;
        }
        return calls.lseek(fd, offset, whence);
    }

    @Override
    public void close() {
        if (calls != null) {
            calls.close(fd);
        }
    }
}
