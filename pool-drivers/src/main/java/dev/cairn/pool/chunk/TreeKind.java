package dev.cairn.pool.chunk;

/**
 * Which tree a node belongs to; recorded in every node header.
 *
 * <p>In a {@link #MAPPING} leaf a value is a physical data chunk, so shadowing a shared leaf takes a
 * reference on every chunk it names. In a {@link #DEVICES} leaf values are device fields (see
 * {@link DeviceTable}); the device table is never shared, so its leaves are never shadowed while shared.
 */
enum TreeKind {
    MAPPING(1),
    DEVICES(2);

    final int code;

    TreeKind(int code) {
        this.code = code;
    }

    static TreeKind ofCode(int code) {
        for (TreeKind kind : values()) {
            if (kind.code == code) {
                return kind;
            }
        }
        throw ChunkStoreException.corrupt("unknown tree kind " + code);
    }
}
