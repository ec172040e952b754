package dev.cairn.qcow2.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Keeps the native half of jffi (the library behind the engine's few Linux calls) extracted in a
 * per-user cache directory, and points jffi at it ({@code jffi.boot.library.path}). Without it jffi
 * writes the library from the jar to a new temporary file on every run, which on this machine cost
 * 10-15 ms of each start (the JDK's first temporary file seeds a secure random; the resource is
 * inflated and written): a 2 GiB all-hole convert took 138-158 ms with the library found in place
 * against 153-174 ms (12 alternating runs each). The directory is named after the library's CRC in the
 * jar, so a different jffi never meets an old copy; a copy is written to a temporary name and
 * renamed, so a reader never sees half of one. Anything that fails here leaves jffi to its own way.
 */
final class NativeLibraryCache {

    /** Overrides the directory (tests); else {@code $XDG_CACHE_HOME/cairn-img} or {@code ~/.cache/cairn-img}. */
    static final String DIRECTORY_PROPERTY = "cairn-img.cache.dir";
    private static final String JFFI_PATH_PROPERTY = "jffi.boot.library.path";
    private static final String LIBRARY = System.mapLibraryName("jffi-1.2");

    private NativeLibraryCache() {
    }

    /** Points jffi at a cached copy of its library from {@code jar}, extracting it first if need be. */
    static void prepare(JarFile jar) {
        if (System.getProperty(JFFI_PATH_PROPERTY) != null || !System.getProperty("os.name", "").equals("Linux")) {
            return;
        }
        String platform = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64" -> "aarch64";
            default -> null;
        };
        Path base = baseDirectory();
        JarEntry entry = platform == null ? null : jar.getJarEntry("jni/" + platform + "-Linux/" + LIBRARY);
        if (base == null || entry == null || entry.getSize() < 0) {
            return;
        }
        try {
            Path directory = base.resolve("jffi-" + Long.toHexString(entry.getCrc()));
            Path library = directory.resolve(LIBRARY);
            if (!Files.isRegularFile(library) || Files.size(library) != entry.getSize()) {
                Files.createDirectories(directory);
                Path partial = Files.createTempFile(directory, LIBRARY, ".partial");
                try (InputStream in = jar.getInputStream(entry)) {
                    Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(partial, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(partial);
                }
            }
            System.setProperty(JFFI_PATH_PROPERTY, directory.toString());
        } catch (IOException | RuntimeException e) {
            // jffi extracts its library to a temporary file itself, as without this cache.
        }
    }

    private static Path baseDirectory() {
        String configured = System.getProperty(DIRECTORY_PROPERTY);
        if (configured != null) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && xdg.startsWith("/")) {
            return Path.of(xdg, "cairn-img");
        }
        String home = System.getProperty("user.home");
        return home == null || home.isEmpty() || home.equals("?") ? null : Path.of(home, ".cache", "cairn-img");
    }
}
