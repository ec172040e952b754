package dev.cairn.api;

/** The rule for volume capacities: a positive number of bytes. */
public final class Capacity {
    private Capacity() {
    }

    /**
     * Returns {@code capacityBytes} when it is present and positive.
     *
     * @throws CairnException {@link ErrorCode#INVALID_ARGUMENT} otherwise
     */
    public static long require(Long capacityBytes) {
        if (capacityBytes == null) {
            throw CairnException.invalidArgument("capacity is required (bytes)");
        }
        if (capacityBytes <= 0) {
            throw CairnException.invalidArgument("capacity must be at least 1 byte, got " + capacityBytes);
        }
        return capacityBytes;
    }
}
