package dev.cairn.pool.chunk;

import java.io.IOException;

/**
 * Tree nodes by block address: loading through the cache, allocation, reference counts.
 * Node addresses are absolute metadata blocks; 0 (a superblock slot) means "no node".
 * Not thread-safe: guarded by the store lock.
 */
final class NodeStore {

    static final long NO_NODE = 0;

    private final MetadataFile file;
    private final BlockCache cache;
    private final SpaceMap blocks;
    private final StoreLayout layout;

    NodeStore(MetadataFile file, BlockCache cache, SpaceMap blocks, StoreLayout layout) {
        this.file = file;
        this.cache = cache;
        this.blocks = blocks;
        this.layout = layout;
    }

    SpaceMap blocks() {
        return blocks;
    }

    int fanout() {
        return layout.nodeFanout();
    }

    TreeNode load(long address) throws IOException {
        checkAddress(address);
        CachedBlock cached = cache.get(address);
        if (cached != null) {
            return (TreeNode) cached;
        }
        TreeNode node = TreeNode.decode(address, file.read(address), layout.nodeFanout());
        cache.put(address, node);
        return node;
    }

    /** A new empty node, allocated in this transaction (so writable in place), with one reference. */
    TreeNode allocate(TreeKind kind, int level) throws IOException {
        long address = layout.nodeStart() + blocks.allocate();
        TreeNode node = new TreeNode(address, kind, level, layout.nodeFanout());
        changed(node);
        return node;
    }

    /** Marks a node dirty and hands it back to the cache (it may have been evicted while held). */
    void changed(TreeNode node) throws IOException {
        node.markDirty();
        cache.put(node.address, node);
    }

    void writeBack(TreeNode node) throws IOException {
        // The address was allocated in this transaction, so the committed state does not read it.
        file.write(node.address, node.encode());
    }

    int refcount(long address) throws IOException {
        return blocks.refcount(entry(address));
    }

    void share(long address) throws IOException {
        blocks.increment(entry(address));
    }

    /** Drops one reference; when it was the last, forgets the cached copy and returns true. */
    boolean unshare(long address) throws IOException {
        boolean freed = blocks.decrement(entry(address));
        if (freed) {
            // A freed dirty node must never be written back: its block may be reused after the commit.
            cache.remove(address);
        }
        return freed;
    }

    boolean writableInPlace(long address) throws IOException {
        return blocks.writableInPlace(entry(address));
    }

    long entry(long address) {
        checkAddress(address);
        return address - layout.nodeStart();
    }

    private void checkAddress(long address) {
        if (address < layout.nodeStart() || address >= layout.metadataFileBlocks()) {
            throw ChunkStoreException.corrupt("node address " + address + " outside the node region");
        }
    }
}
