package dev.cairn.pool.spi;

import java.nio.ByteBuffer;

/** Copies one device's bytes into another, as clones and copies between pools do. */
public final class DeviceCopy {
    private static final int BLOCK_BYTES = 1 << 20;

    private DeviceCopy() {
    }

    /**
     * Copies every block of {@code from} that is not all zeroes into {@code to} at the same offset, telling
     * {@code progress} after each block; {@code to} must read zeroes where it was not written (a new volume).
     * Does not flush.
     */
    public static void nonZeroBlocks(BlockDevice from, BlockDevice to, Progress progress) {
        long total = from.capacityBytes();
        ByteBuffer block = ByteBuffer.allocate(BLOCK_BYTES);
        progress.advance(0, total);
        for (long offset = 0; offset < total; offset += BLOCK_BYTES) {
            block.clear().limit((int) Math.min(BLOCK_BYTES, total - offset));
            from.read(offset, block);
            block.flip();
            if (!allZero(block)) {
                to.write(offset, block);
            }
            progress.advance(offset + block.limit(), total);
        }
    }

    private static boolean allZero(ByteBuffer block) {
        int i = block.position();
        for (; i + Long.BYTES <= block.limit(); i += Long.BYTES) {
            if (block.getLong(i) != 0) {
                return false;
            }
        }
        for (; i < block.limit(); i++) {
            if (block.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
