package dev.cairn.qcow2;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real qemu-img / qemu-io (Debian qemu-utils 7.2) for interop tests. Missing tools make
 * the tests fail, never skip: CI installs qemu-utils.
 */
public final class QemuTool {

    public record Result(int exitCode, String stdout, String stderr) {
        public Result ok() {
            if (exitCode != 0) {
                throw new AssertionError("exit " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr);
            }
            return this;
        }
    }

    private QemuTool() {
    }

    public static Result run(String... command) {
        try {
            List<String> args = new ArrayList<>(List.of(command));
            ProcessBuilder builder = new ProcessBuilder(args);
            builder.environment().put("TZ", "UTC");
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timeout: " + args);
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command[0] + " (install qemu-utils 7.2): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static Result img(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "qemu-img";
        System.arraycopy(args, 0, command, 1, args.length);
        return run(command);
    }

    public static Result io(Path image, String... commands) {
        List<String> args = new ArrayList<>(List.of("qemu-io", "-f", "qcow2"));
        for (String c : commands) {
            args.add("-c");
            args.add(c);
        }
        args.add(image.toString());
        return run(args.toArray(String[]::new));
    }

    /**
     * Leaks one cluster, as a crash between a refcount increment and the pointer to the cluster does: raises
     * the refcount of a cluster past the end of a 64 KiB-cluster, 16-bit-refcount {@code image} (whose
     * first refcount block covers it), which nothing references, and extends the file over it.
     */
    public static void leakOneCluster(Path image) throws IOException {
        try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(image,
                java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(56);
            file.read(header, 0);
            java.nio.ByteBuffer table = java.nio.ByteBuffer.allocate(8);
            file.read(table, header.getLong(48));
            long leaked = file.size() / 65536 + 1;
            file.write(java.nio.ByteBuffer.allocate(2).putShort(0, (short) 1), table.getLong(0) + 2 * leaked);
            file.write(java.nio.ByteBuffer.allocate(1), (leaked + 1) * 65536 - 1);
        }
    }

    /** qemu-img check; asserts exit 0 (no corruption, no leaks). */
    static Result checkClean(Path image) {
        return img("check", "-f", "qcow2", image.toString()).ok();
    }

    /** Content of a qcow2 image (or one snapshot of it) as raw bytes, via qemu-img convert. */
    static byte[] toRaw(Path image, Path raw, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("convert", "-f", "qcow2", "-O", "raw"));
        args.addAll(List.of(extra));
        args.add(image.toString());
        args.add(raw.toString());
        img(args.toArray(String[]::new)).ok();
        return java.nio.file.Files.readAllBytes(raw);
    }
}
