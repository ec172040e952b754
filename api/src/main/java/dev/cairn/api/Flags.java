package dev.cairn.api;

/** The check every flags argument of the SDK gets before a request is sent, as libvirt's virCheckFlags. */
final class Flags {
    private Flags() {
    }

    /**
     * Returns {@code flags} when it sets no bit outside {@code known}.
     *
     * @throws CairnException {@link ErrorCode#INVALID_ARGUMENT} naming the unknown bits otherwise
     */
    static int requireKnown(int flags, int known) {
        int unknown = flags & ~known;
        if (unknown != 0) {
            throw CairnException.invalidArgument("unsupported flags 0x" + Integer.toHexString(unknown));
        }
        return flags;
    }
}
