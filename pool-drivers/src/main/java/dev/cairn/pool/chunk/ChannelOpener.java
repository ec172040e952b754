package dev.cairn.pool.chunk;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Opens the store's files; tests substitute channels that inject faults. */
@FunctionalInterface
public interface ChannelOpener {

    /** Opens {@code path} for reading and writing, creating it when absent. */
    FileChannel open(Path path) throws IOException;

    ChannelOpener FILES = path -> FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
            StandardOpenOption.CREATE);
}
