package dev.cairn.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The files under a directory with their sizes, to show that a refused request changed nothing on disk.
 * The catalog database is left out: H2 touches its file on reads too.
 */
record StorageSnapshot(Map<String, Long> files) {

    static StorageSnapshot of(Path root) {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> tree = Files.walk(root)) {
            tree.filter(p -> !p.startsWith(root.resolve("catalog"))).forEach(p -> {
                try {
                    files.put(root.relativize(p).toString(), Files.isDirectory(p) ? -1 : Files.size(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new StorageSnapshot(files);
    }
}
