package dev.cairn.qcow2.cli;

import dev.cairn.qcow2.Qcow2Convert;
import dev.cairn.qcow2.Qcow2Image;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Prepares on a second thread what the command will need while the first builds the command line
 * (picocli, some 60 ms of interpreted work before any command runs). First the cached copy of the
 * native-call library ({@link NativeLibraryCache}); then, for a command that will
 * make them, the native calls that find a raw source's holes and take QEMU's image locks (50-70 ms
 * to load, the longest single wait of a start: loaded first, a whole convert of a 2 GiB file that is all
 * hole took 164 ms against 170 ms, medians of 20), then the engine's classes (25 to 30 ms when a command
 * first touches them, measured on a 1 MiB convert). Loads no classes when not run from a jar.
 */
final class EnginePreload {

    private static final String ENGINE = "dev/cairn/qcow2/";
    private static final String CLI = "dev/cairn/qcow2/cli/";

    private EnginePreload() {
    }

    /** Starts the preload for the command line {@code args}. */
    static void start(String[] args) {
        Thread preload = new Thread(() -> {
            try (JarFile jar = new JarFile(ownJar().toFile())) {
                NativeLibraryCache.prepare(jar);
                if (needsNativeCalls(args)) {
                    Qcow2Image.preloadNativeCalls();
                }
                loadEngineClasses(jar);
            } catch (IOException | URISyntaxException | RuntimeException e) {
                // Only a head start: whatever is not loaded here is loaded when first used.
            }
        }, "cairn-img-preload");
        preload.setDaemon(true);
        preload.setPriority(Thread.MIN_PRIORITY);
        preload.start();
    }

    /**
     * Whether the command will make native calls: a convert of a large raw file (its holes), info
     * (the files' disk usage), and commands that open an existing image for writing (QEMU's image
     * locks).
     */
    private static boolean needsNativeCalls(String[] args) {
        List<String> all = Arrays.asList(args);
        switch (args.length == 0 ? "" : args[0]) {
            case "convert":
                return namesLargeFile(args);
            case "info": // the disk size (fstat)
            case "commit":
            case "rebase":
            case "delta":
                return true;
            case "snapshot":
                return !all.contains("-l");
            case "check":
                return all.contains("-r");
            default:
                return false;
        }
    }

    /** Whether an argument names a file large enough for a convert to find its holes natively. */
    private static boolean namesLargeFile(String[] args) {
        for (String arg : args) {
            try {
                Path path = Path.of(arg);
                if (Files.isRegularFile(path) && Files.size(path) >= Qcow2Convert.HOLE_SKIP_MIN_BYTES) {
                    return true;
                }
            } catch (IOException | RuntimeException e) {
                // not a file name
            }
        }
        return false;
    }

    private static void loadEngineClasses(JarFile jar) {
        ClassLoader loader = EnginePreload.class.getClassLoader();
        try {
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements();) {
                String name = entries.nextElement().getName();
                if (name.startsWith(ENGINE) && !name.startsWith(CLI) && name.endsWith(".class")) {
                    Class.forName(name.substring(0, name.length() - ".class".length()).replace('/', '.'), false,
                            loader);
                }
            }
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            // Only a head start: whatever is not loaded here is loaded when first used.
        }
    }

    private static Path ownJar() throws URISyntaxException, IOException {
        CodeSource source = EnginePreload.class.getProtectionDomain().getCodeSource();
        Path location = source == null ? null : Path.of(source.getLocation().toURI());
        if (location == null || !Files.isRegularFile(location)) {
            throw new IOException("not run from a jar");
        }
        return location;
    }
}
