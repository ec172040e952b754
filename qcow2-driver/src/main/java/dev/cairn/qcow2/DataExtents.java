package dev.cairn.qcow2;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.LastError;
import com.kenai.jffi.Library;
import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.Type;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a file's data lies, as its file system knows it: {@code lseek(SEEK_DATA)} and
 * {@code lseek(SEEK_HOLE)} (Linux), so that a copy skips a sparse file's holes without reading
 * them, as qemu-img does. Java 17 has no call for this, so it goes through jffi (the native-call
 * library under jnr). Where that cannot be done (another system, the native library refused, a
 * file system without the calls) every range counts as data and the caller reads it, which is
 * always correct: holes read as zeroes. The answer is a hint for a file nobody writes meanwhile;
 * ranges it calls data may still hold zeroes.
 */
final class DataExtents implements Closeable {

    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;
    private static final int ENXIO = 6;
    private static final int O_RDONLY_CLOEXEC = 0x80000;

    /** The native calls, loaded on first use (some 60-80 ms, measured), or null where they cannot be made. */
    private static final class Native {
        static final Native INSTANCE = load();

        final Invoker invoker;
        final long open;
        final long lseek;
        final long close;
        final CallContext openContext;
        final CallContext lseekContext;
        final CallContext closeContext;

        private Native(Library libc) {
            invoker = Invoker.getInstance();
            open = libc.getSymbolAddress("open");
            lseek = libc.getSymbolAddress("lseek");
            close = libc.getSymbolAddress("close");
            openContext = context(Type.SINT32, Type.POINTER, Type.SINT32);
            lseekContext = context(Type.SINT64, Type.SINT32, Type.SINT64, Type.SINT32);
            closeContext = context(Type.SINT32, Type.SINT32);
            if (open == 0 || lseek == 0 || close == 0) {
                throw new IllegalStateException("libc symbols not found");
            }
        }

        private static CallContext context(Type result, Type... parameters) {
            return CallContext.getCallContext(result, parameters, CallingConvention.DEFAULT, true);
        }

        private static Native load() {
            if (!System.getProperty("os.name", "").equals("Linux")) {
                return null;
            }
            try {
                return new Native(Library.getDefault());
            } catch (Throwable e) { // any failure to link means "no native calls", never a failed copy
                return null;
            }
        }
    }

    private final Native calls;
    private final int fd;

    private DataExtents(Native calls, int fd) {
        this.calls = calls;
        this.fd = fd;
    }

    /** Loads the native calls now (on a thread with nothing better to do) instead of at the first {@link #open}. */
    static void preload() {
        Native ignored = Native.INSTANCE;
    }

    /** Whether this process can ask file systems where data lies (else every range counts as data). */
    static boolean available() {
        return Native.INSTANCE != null;
    }

    /**
     * The extents of {@code file}; where they cannot be asked for, or when not {@code wanted}, an
     * answer that calls everything data.
     */
    static DataExtents open(Path file, boolean wanted) {
        Native calls = wanted ? Native.INSTANCE : null;
        if (calls == null) {
            return new DataExtents(null, -1);
        }
        byte[] name = file.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8);
        MemoryIO memory = MemoryIO.getInstance();
        long path = memory.allocateMemory(name.length + 1, true);
        try {
            memory.putZeroTerminatedByteArray(path, name, 0, name.length);
            int fd = (int) calls.invoker.invokeN2(calls.openContext, calls.open, path, O_RDONLY_CLOEXEC);
            return new DataExtents(fd < 0 ? null : calls, fd);
        } finally {
            memory.freeMemory(path);
        }
    }

    /** A run of data (or of hole) from {@code start} to {@code end}. */
    record Extent(long start, long end, boolean data) {
    }

    /**
     * The run of data or of hole that {@code offset} lies in, from {@code offset} up to at most
     * {@code limit}. Without extents, or where the file system cannot tell, data up to {@code limit}.
     */
    Extent extentAt(long offset, long limit) {
        long data = seek(offset, SEEK_DATA);
        if (data == -ENXIO || data >= limit) {
            return new Extent(offset, limit, false); // no data before the limit (or the end of the file)
        }
        if (data < 0) {
            return new Extent(offset, limit, true); // the file system cannot tell: read it
        }
        if (data > offset) {
            return new Extent(offset, data, false);
        }
        long hole = seek(offset, SEEK_HOLE);
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
            return whence == SEEK_DATA ? offset : -1;
        }
        long result = calls.invoker.invokeN3(calls.lseekContext, calls.lseek, fd, offset, whence);
        return result >= 0 ? result : -LastError.getInstance().get();
    }

    @Override
    public void close() {
        if (calls != null) {
            calls.invoker.invokeN1(calls.closeContext, calls.close, fd);
        }
    }
}
