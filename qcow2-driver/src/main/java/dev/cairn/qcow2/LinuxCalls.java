package dev.cairn.qcow2;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.LastError;
import com.kenai.jffi.Library;
import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;

/**
 * The few Linux system calls the engine needs and Java 17 lacks: {@code lseek} with
 * {@code SEEK_DATA}/{@code SEEK_HOLE} ({@link DataExtents}), open file description locks
 * ({@link ImageLock}) and {@code fstat}'s block count ({@link DiskUsage}), called through jffi (the
 * native-call library under jnr). Loaded on first use (40-90 ms, measured); {@link #get()} is null on
 * other systems or where the native library cannot be loaded, and callers then do without.
 */
final class LinuxCalls {

    static final int SEEK_DATA = 3;
    static final int SEEK_HOLE = 4;
    static final int ENXIO = 6;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final short F_RDLCK = 0;
    static final short F_WRLCK = 1;
    static final short F_UNLCK = 2;
    private static final int F_OFD_GETLK = 36;
    private static final int F_OFD_SETLK = 37;
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    /** {@code struct flock} on 64-bit Linux: type and whence (shorts), start and length (longs), pid. */
    private static final int FLOCK_BYTES = 32;
    /**
     * Where {@code st_blocks} lies in {@code struct stat}: byte 64 on x86_64 and in the generic layout of
     * aarch64 and riscv64 alike; {@link #STAT_BYTES} is more than either struct's size (144, 128).
     */
    private static final int STAT_BLOCKS_OFFSET = 64;
    private static final int STAT_BYTES = 256;
    private static final Set<String> STAT_LAYOUT_KNOWN = Set.of("amd64", "x86_64", "aarch64",
            "riscv64");

    private static final LinuxCalls INSTANCE = load();

    private final Invoker invoker;
    private final MemoryIO memory;
    private final long open;
    private final long lseek;
    private final long close;
    private final long fcntl;
    /** 0 where the C library has no {@code fstat} symbol (before glibc 2.33) or the layout is not known. */
    private final long fstat;
    private final CallContext openContext;
    private final CallContext lseekContext;
    private final CallContext closeContext;
    private final CallContext fcntlContext;
    private final CallContext fstatContext;

    private LinuxCalls(Library libc) {
        invoker = Invoker.getInstance();
        memory = MemoryIO.getInstance();
        open = libc.getSymbolAddress("open");
        lseek = libc.getSymbolAddress("lseek");
        close = libc.getSymbolAddress("close");
        fcntl = libc.getSymbolAddress("fcntl");
        if (open == 0 || lseek == 0 || close == 0 || fcntl == 0) {
            throw new IllegalStateException("libc symbols not found");
        }
        openContext = context(Type.SINT32, Type.POINTER, Type.SINT32);
        lseekContext = context(Type.SINT64, Type.SINT32, Type.SINT64, Type.SINT32);
        closeContext = context(Type.SINT32, Type.SINT32);
        fcntlContext = context(Type.SINT32, Type.SINT32, Type.SINT32, Type.POINTER);
        fstat = STAT_LAYOUT_KNOWN.contains(System.getProperty("os.arch", "")) ? libc.getSymbolAddress("fstat") : 0;
        fstatContext = context(Type.SINT32, Type.SINT32, Type.POINTER);
    }

    private static CallContext context(Type result, Type... parameters) {
        return CallContext.getCallContext(result, parameters, CallingConvention.DEFAULT, true);
    }

    private static LinuxCalls load() {
        if (!System.getProperty("os.name", "").equals("Linux")) {
            return null;
        }
        if (System.getProperty("jffi.unsafe.disabled") == null) {
            // jffi's memory access through sun.misc.Unsafe makes JDK 24 and later print warnings on every run;
            // its JNI implementation serves the few small structs here as well.
            System.setProperty("jffi.unsafe.disabled", "true");
        }
        try {
            return new LinuxCalls(Library.getDefault());
        } catch (Throwable e) { // any failure to link means "no native calls", never a failed operation
            return null;
        }
    }

    /** The calls, or null where they cannot be made. */
    static LinuxCalls get() {
        return INSTANCE;
    }

    /** Opens {@code file} read-only (close-on-exec): a descriptor, or minus the errno. */
    int openReadOnly(Path file) {
        byte[] name = file.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8);
        long path = memory.allocateMemory(name.length + 1, true);
        try {
            memory.putZeroTerminatedByteArray(path, name, 0, name.length);
            return (int) result(invoker.invokeN2(openContext, open, path, O_RDONLY_CLOEXEC));
        } finally {
            memory.freeMemory(path);
        }
    }

    void close(int fd) {
        invoker.invokeN1(closeContext, close, fd);
    }

    /** {@code lseek(fd, offset, whence)}: the new offset, or minus the errno. */
    long lseek(int fd, long offset, int whence) {
        return result(invoker.invokeN3(lseekContext, lseek, fd, offset, whence));
    }

    /**
     * Takes (or with {@link #F_UNLCK} drops) an open file description lock of {@code type} on
     * {@code length} bytes at {@code start}: 0, or minus the errno (EAGAIN when another holds a
     * conflicting lock).
     */
    int setLock(int fd, short type, long start, long length) {
        long flock = flock(type, start, length);
        try {
            return (int) result(invoker.invokeN3(fcntlContext, fcntl, fd, F_OFD_SETLK, flock));
        } finally {
            memory.freeMemory(flock);
        }
    }

    /**
     * Whether a lock of {@code type} on the bytes would conflict with a lock another open file
     * description holds (locks held through {@code fd} itself never do); false where the file
     * system cannot tell.
     */
    boolean lockConflicts(int fd, short type, long start, long length) {
        long flock = flock(type, start, length);
        try {
            long status = result(invoker.invokeN3(fcntlContext, fcntl, fd, F_OFD_GETLK, flock));
            return status >= 0 && memory.getShort(flock) != F_UNLCK;
        } finally {
            memory.freeMemory(flock);
        }
    }

    /**
     * The bytes {@code fd}'s file occupies on its file system ({@code st_blocks} x 512, what
     * {@code du} and qemu-img's "disk size" report), or minus the errno; -1 (EPERM) where the call
     * cannot be made here.
     */
    long allocatedBytes(int fd) {
        if (fstat == 0) {
            return -1;
        }
        long stat = memory.allocateMemory(STAT_BYTES, true);
        try {
            long status = result(invoker.invokeN2(fstatContext, fstat, fd, stat));
            return status < 0 ? status : memory.getLong(stat + STAT_BLOCKS_OFFSET) * 512;
        } finally {
            memory.freeMemory(stat);
        }
    }

    private long flock(short type, long start, long length) {
        long flock = memory.allocateMemory(FLOCK_BYTES, true);
        memory.putShort(flock, type);
        memory.putShort(flock + 2, (short) 0); // SEEK_SET
        memory.putLong(flock + 8, start);
        memory.putLong(flock + 16, length);
        memory.putInt(flock + 24, 0); // l_pid: 0 for open file description locks
        return flock;
    }

    private static long result(long value) {
        return value >= 0 ? value : -LastError.getInstance().get();
    }
}
