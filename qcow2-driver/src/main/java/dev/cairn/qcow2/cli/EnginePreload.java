package dev.cairn.qcow2.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads the engine's classes on a second thread while the first builds the command line. Picocli
 * takes some 70 ms of interpreted work before any command runs, and the engine's classes another
 * 25 to 30 ms when the command first touches them (measured on a 1 MiB convert); on two cores
 * the second cost hides behind the first. Does nothing when not run from a jar.
 */
final class EnginePreload {

    private static final String ENGINE = "dev/cairn/qcow2/";
    private static final String CLI = "dev/cairn/qcow2/cli/";

    private EnginePreload() {
    }

    static void start() {
        Thread preload = new Thread(EnginePreload::loadEngineClasses, "cairn-img-preload");
        preload.setDaemon(true);
        preload.setPriority(Thread.MIN_PRIORITY);
        preload.start();
    }

    private static void loadEngineClasses() {
        ClassLoader loader = EnginePreload.class.getClassLoader();
        try (JarFile jar = new JarFile(ownJar().toFile())) {
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements();) {
                String name = entries.nextElement().getName();
                if (name.startsWith(ENGINE) && !name.startsWith(CLI) && name.endsWith(".class")) {
                    Class.forName(name.substring(0, name.length() - ".class".length()).replace('/', '.'), false,
                            loader);
                }
            }
        } catch (IOException | URISyntaxException | ClassNotFoundException | LinkageError | RuntimeException e) {
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
