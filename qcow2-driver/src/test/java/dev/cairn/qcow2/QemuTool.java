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
