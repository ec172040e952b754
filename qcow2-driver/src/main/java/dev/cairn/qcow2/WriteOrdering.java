package dev.cairn.qcow2;

/**
 * How an open image orders its writes on disk (qcow2.txt leaves ordering to the implementation;
 * QEMU_NOTES §0.9 lists the rules this engine keeps).
 */
public enum WriteOrdering {

    /**
     * Every ordering rule is a barrier (fdatasync): a refcount increment is durable before the
     * pointer using it, a pointer removal before the refcount drop, a new table before the header
     * switches to it. A crash at any point leaves at worst leaked clusters. The only choice for
     * an image anything may read or that must survive a crash: every image of the service.
     */
    ORDERED,

    /**
     * Barriers are skipped and everything is forced once, by {@link Qcow2Image#flush()} or
     * {@link Qcow2Image#close()}. Only for a <em>new</em> file that nothing reads before it is
     * closed, such as the target of a convert (as {@code qemu-img convert} writes through the page
     * cache and flushes at the end): a crash before that flush may leave the file in any state,
     * and its creator must treat such a file as garbage. Never for a live image.
     */
    DEFERRED_TO_CLOSE,

    /**
     * As {@link #DEFERRED_TO_CLOSE}, but nothing is ever forced, not even at close: the file is as
     * durable as the page cache makes it, as with {@code qemu-img convert}'s default cache mode
     * ({@code unsafe}). Only on a caller's explicit request ({@code cairn-img convert -t unsafe}).
     */
    UNSYNCED
}
