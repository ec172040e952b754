package dev.cairn.qcow2;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** How much of its file system a file takes, as {@code du} and qemu-img's "disk size" report it. */
public final class DiskUsage {

    private DiskUsage() {
    }

    /**
     * The bytes {@code file} occupies on its file system ({@code st_blocks} x 512: a sparse file's
     * holes take nothing, its metadata blocks count). Where that cannot be asked (no native calls on
     * this system), the file's length.
     */
    public static long bytes(Path file) throws IOException {
        LinuxCalls calls = LinuxCalls.get();
        int fd = calls == null ? -1 : calls.openReadOnly(file);
        if (fd >= 0) {
            try {
                long bytes = calls.allocatedBytes(fd);
                if (bytes >= 0) {
                    return bytes;
                }
            } finally {
                calls.close(fd);
            }
        }
        return Files.size(file);
    }
}
