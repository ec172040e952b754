package dev.cairn.qcow2;

import java.util.Arrays;

/**
 * The all-zero test behind zero clusters and sparse output. It compares against a shared zero
 * block with {@link Arrays#mismatch}, which the JIT vectorizes: a byte-at-a-time loop was the top
 * frame of a convert profile.
 */
final class ZeroBytes {

    private static final byte[] ZEROES = new byte[64 * 1024];

    private ZeroBytes() {
    }

    static boolean isZero(byte[] data) {
        return isZero(data, 0, data.length);
    }

    /** Whether {@code data[from, from + len)} holds only zero bytes. */
    static boolean isZero(byte[] data, int from, int len) {
        int at = from;
        int end = from + len;
        while (at < end) {
            int step = Math.min(ZEROES.length, end - at);
            if (Arrays.mismatch(data, at, at + step, ZEROES, 0, step) >= 0) {
                return false;
            }
            at += step;
        }
        return true;
    }
}
