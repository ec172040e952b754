package dev.cairn.qcow2;

import java.io.IOException;

/**
 * Reads the guest content an internal snapshot captured, without applying it. Obtained from
 * {@link Qcow2Image#snapshotReader(String)}; valid until the image is modified or closed.
 * Not thread-safe.
 */
public final class SnapshotReader {

    interface Source {
        void read(long offset, byte[] buf, int off, int len) throws IOException;
    }

    private final Qcow2Snapshot snapshot;
    private final Source source;

    SnapshotReader(Qcow2Snapshot snapshot, Source source) {
        this.snapshot = snapshot;
        this.source = source;
    }

    public Qcow2Snapshot snapshot() {
        return snapshot;
    }

    /** The virtual size the disk had when the snapshot was taken. */
    public long capacityBytes() {
        return snapshot.diskSizeBytes();
    }

    /**
     * Reads snapshot content; unallocated clusters fall through to the image's backing file.
     *
     * @throws IllegalArgumentException when the range is outside {@link #capacityBytes()}
     */
    public void read(long offset, byte[] buf, int off, int len) throws IOException {
        if (offset < 0 || len < 0 || offset + len > capacityBytes()) {
            throw new IllegalArgumentException("range " + offset + "+" + len + " outside the snapshot's "
                    + capacityBytes() + " bytes");
        }
        source.read(offset, buf, off, len);
    }
}
