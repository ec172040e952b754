package dev.cairn.web.delta;

import dev.cairn.pool.spi.PoolDirectories;
import dev.cairn.pool.spi.StorageFailures;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;

/**
 * The record of a delta apply in progress, kept in the staging directory while storage is changed, so that a
 * restart after a crash can put the volume back as it was: which volume, the safety snapshot holding its
 * content from before, and the target snapshot once the engine has taken it. Rewritten atomically (temp
 * file, forced, renamed, directory forced) at each step.
 */
record ApplyJournal(Path file, String pool, String volume, String format, UUID target, String safetyRef,
                    String targetRef) {
    static final String SUFFIX = ".journal";

    /** Writes a new journal for an apply whose safety snapshot is {@code safetyRef}. */
    static ApplyJournal begin(Path dir, String pool, String volume, String format, UUID target, String safetyRef) {
        ApplyJournal journal = new ApplyJournal(dir.resolve(target + SUFFIX), pool, volume, format, target,
                safetyRef, null);
        journal.write();
        return journal;
    }

    /** The journal with the engine's reference of the target snapshot recorded. */
    ApplyJournal withTarget(String ref) {
        ApplyJournal journal = new ApplyJournal(file, pool, volume, format, target, safetyRef, ref);
        journal.write();
        return journal;
    }

    static ApplyJournal read(Path file) throws IOException {
        Properties values = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            values.load(in);
        }
        return new ApplyJournal(file, values.getProperty("pool"), values.getProperty("volume"),
                values.getProperty("format"), UUID.fromString(values.getProperty("target")),
                values.getProperty("safetyRef"), values.getProperty("targetRef"));
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw StorageFailures.translate("remove the delta journal " + file, e);
        }
    }

    private void write() {
        Properties values = new Properties();
        values.setProperty("pool", pool);
        values.setProperty("volume", volume);
        values.setProperty("format", format);
        values.setProperty("target", target.toString());
        values.setProperty("safetyRef", safetyRef);
        if (targetRef != null) {
            values.setProperty("targetRef", targetRef);
        }
        try {
            java.io.StringWriter text = new java.io.StringWriter();
            values.store(text, "Cairn delta apply in progress");
            PoolDirectories.replaceAtomically(file, text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw StorageFailures.translate("write the delta journal " + file, e);
        }
    }
}
