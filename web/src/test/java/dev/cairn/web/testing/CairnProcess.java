package dev.cairn.web.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real service, {@code java -jar web/target/cairn.jar}, run as a child process for end-to-end tests:
 * on a free loopback port, with its own data directory, stopped gracefully or killed with SIGKILL.
 *
 * <p>The jar is found from the system property {@code cairn.jar} (set by the build) or by walking up from
 * the working directory to {@code web/target/cairn.jar}. The child runs on the test's own JDK.
 */
public final class CairnProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path dataDir;
    private final List<String> extraArgs;
    private final int port;
    private final Path log;
    private final Process process;

    private CairnProcess(Path dataDir, int port, List<String> extraArgs) throws IOException {
        this.dataDir = dataDir;
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
        Files.createDirectories(dataDir);
        this.log = Files.createTempFile(dataDir.getParent(), "cairn-" + port + "-", ".log");
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx256m", "-jar", jar().toString(),
                "--cairn.data-dir=" + dataDir, "--server.port=" + port));
        if (extraArgs.stream().noneMatch(arg -> arg.startsWith("--server.address="))) {
            // Spring joins a repeated option's values, so the default is given only when the test gives none.
            command.add("--server.address=127.0.0.1");
        }
        command.addAll(extraArgs);
        this.process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Starts the service on {@code dataDir} and waits until its health endpoint answers. */
    public static CairnProcess start(Path dataDir, String... extraArgs) {
        try {
            CairnProcess started = new CairnProcess(dataDir.toAbsolutePath(), freePort(), List.of(extraArgs));
            started.awaitHealthy();
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base URI, e.g. {@code http://127.0.0.1:41234}. */
    public String baseUri() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** What the service printed so far. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the service with SIGKILL, as a crash would, and waits for it to be gone. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** Stops the service gracefully (SIGTERM) and waits for it to be gone. */
    public void stop() {
        process.destroy();
        waitFor();
    }

    /** A new service on the same data directory and arguments, after this one stopped or was killed. */
    public CairnProcess restart() {
        if (process.isAlive()) {
            stop();
        }
        return start(dataDir, extraArgs.toArray(String[]::new));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }

    private void waitFor() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitHealthy() {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited with " + process.exitValue() + ":\n" + output());
            }
            if (healthy()) {
                return;
            }
            pause();
        }
        process.destroyForcibly();
        throw new IllegalStateException("the service did not become healthy in " + START_TIMEOUT + ":\n" + output());
    }

    private boolean healthy() {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(baseUri() + "/actuator/health").toURL()
                    .openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(2000);
            try {
                return connection.getResponseCode() == 200;
            } finally {
                connection.disconnect();
            }
        } catch (IOException notYet) {
            return false;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the service", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The service jar: {@code -Dcairn.jar}, else {@code web/target/cairn.jar} above the working directory. */
    public static Path jar() {
        String configured = System.getProperty("cairn.jar");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("web/target/cairn.jar");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("web/target/cairn.jar not found: build the web module first");
    }
}
