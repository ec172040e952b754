package dev.cairn.pool.chunk;

import java.io.IOException;

/**
 * Copy-on-write B-tree algorithms with lazy reference counts, after Rodeh's "B-trees, shadowing,
 * and clones" and dm-thin's persistent-data btrees.
 *
 * <p>A tree is named by its root block. A node is changed in place only when it was allocated in the
 * open transaction and has one reference; otherwise it is <em>shadowed</em>: copied to a new block.
 * Reference counts are lazy: sharing a tree takes one reference on its root only. Shadowing a node
 * with several references pushes the sharing one level down (the copy takes a reference on every
 * child, the original loses one), so after shadowing the path to a leaf, that leaf, and a data chunk
 * it names with count 1, belong to this tree alone. Nodes do not merge when they underflow; an empty
 * node is removed and a root with one child gives way to the child.
 * Not thread-safe: guarded by the store lock.
 */
final class ShadowTree {

    /** The value of a key that is not in the tree; also returned by a change to remove the key. */
    static final long ABSENT = -1;

    /** The new value of a key given its old one ({@link #ABSENT} in and out for "no entry"). */
    interface ValueChange {
        long apply(long oldValue) throws IOException;
    }

    /** Receives entries in key order; returns false to stop. */
    interface EntryVisitor {
        boolean visit(long key, long value) throws IOException;
    }

    private record Step(TreeNode node, TreeNode right) {
    }

    private final NodeStore nodes;
    private final SpaceMap dataChunks;

    ShadowTree(NodeStore nodes, SpaceMap dataChunks) {
        this.nodes = nodes;
        this.dataChunks = dataChunks;
    }

    NodeStore nodes() {
        return nodes;
    }

    long lookup(long root, long key) throws IOException {
        long address = root;
        while (address != NodeStore.NO_NODE) {
            TreeNode node = nodes.load(address);
            if (node.isLeaf()) {
                int i = node.search(key);
                return i >= 0 ? node.value(i) : ABSENT;
            }
            int i = node.childIndex(key);
            if (node.count() == 0 || key < node.key(i)) {
                return ABSENT;
            }
            address = node.value(i);
        }
        return ABSENT;
    }

    /** Levels in the tree (0 for the empty tree). */
    int height(long root) throws IOException {
        return root == NodeStore.NO_NODE ? 0 : nodes.load(root).level + 1;
    }

    /**
     * Sets the value of {@code key} to {@code change.apply(old)}, shadowing the path from the root.
     * The change runs after the path is shadowed, so it sees the leaf as this tree's own.
     *
     * @return the new root (the old root's reference has moved to it)
     */
    long update(long root, TreeKind kind, long key, ValueChange change) throws IOException {
        if (root == NodeStore.NO_NODE) {
            long value = change.apply(ABSENT);
            if (value == ABSENT) {
                return NodeStore.NO_NODE;
            }
            TreeNode leaf = nodes.allocate(kind, 0);
            leaf.insert(0, key, value);
            nodes.changed(leaf);
            return leaf.address;
        }
        Step top = updateIn(root, key, change);
        if (top.right() != null) {
            TreeNode newRoot = nodes.allocate(kind, top.node().level + 1);
            newRoot.insert(0, top.node().key(0), top.node().address);
            newRoot.insert(1, top.right().key(0), top.right().address);
            nodes.changed(newRoot);
            return newRoot.address;
        }
        TreeNode node = top.node();
        if (node.count() == 0) {
            nodes.unshare(node.address);
            return NodeStore.NO_NODE;
        }
        if (!node.isLeaf() && node.count() == 1) {
            // The root's only reference to its child becomes the tree's reference.
            long child = node.value(0);
            nodes.unshare(node.address);
            return child;
        }
        return node.address;
    }

    private Step updateIn(long address, long key, ValueChange change) throws IOException {
        TreeNode node = shadow(address);
        if (node.isLeaf()) {
            applyToLeaf(node, key, change);
        } else {
            int i = node.childIndex(key);
            Step child = updateIn(node.value(i), key, change);
            node.setValue(i, child.node().address);
            if (key < node.key(i)) {
                node.setKey(i, key);
            }
            if (child.node().count() == 0) {
                nodes.unshare(child.node().address);
                node.remove(i);
            } else if (child.right() != null) {
                node.insert(i + 1, child.right().key(0), child.right().address);
            }
        }
        nodes.changed(node);
        if (!node.overflowing()) {
            return new Step(node, null);
        }
        TreeNode right = nodes.allocate(node.kind, node.level);
        node.splitInto(right);
        nodes.changed(right);
        nodes.changed(node);
        return new Step(node, right);
    }

    private static void applyToLeaf(TreeNode leaf, long key, ValueChange change) throws IOException {
        int i = leaf.search(key);
        long old = i >= 0 ? leaf.value(i) : ABSENT;
        long value = change.apply(old);
        if (value == old) {
            return;
        }
        if (value == ABSENT) {
            leaf.remove(i);
        } else if (i >= 0) {
            leaf.setValue(i, value);
        } else {
            leaf.insert(-i - 1, key, value);
        }
    }

    /** This tree's own, writable copy of the node at {@code address}. */
    private TreeNode shadow(long address) throws IOException {
        TreeNode node = nodes.load(address);
        if (nodes.writableInPlace(address)) {
            return node;
        }
        TreeNode copy = nodes.allocate(node.kind, node.level);
        copy.copyFrom(node);
        if (nodes.refcount(address) > 1) {
            // Others still read the original: the copy needs its own reference on every child.
            takeChildReferences(copy);
        }
        // The original loses this tree's reference; if that was its last, its block becomes pending-free.
        nodes.unshare(address);
        nodes.changed(copy);
        return copy;
    }

    private void takeChildReferences(TreeNode node) throws IOException {
        for (int i = 0; i < node.count(); i++) {
            if (!node.isLeaf()) {
                nodes.share(node.value(i));
            } else if (node.kind == TreeKind.MAPPING) {
                dataChunks.increment(node.value(i));
            } else {
                throw new IllegalStateException("the device table is never shared");
            }
        }
    }

    /** Takes one more reference on a whole tree: O(1). */
    void share(long root) throws IOException {
        if (root != NodeStore.NO_NODE) {
            nodes.share(root);
        }
    }

    /**
     * Drops one reference on a mapping tree. Nodes and data chunks whose last reference goes are freed;
     * shared subtrees are not visited, so the cost follows what becomes unshared.
     */
    void release(long root) throws IOException {
        if (root == NodeStore.NO_NODE) {
            return;
        }
        if (nodes.refcount(root) > 1) {
            nodes.unshare(root);
            return;
        }
        TreeNode node = nodes.load(root);
        if (node.kind != TreeKind.MAPPING) {
            throw new IllegalStateException("only mapping trees are released");
        }
        for (int i = 0; i < node.count(); i++) {
            if (node.isLeaf()) {
                dataChunks.decrement(node.value(i));
            } else {
                release(node.value(i));
            }
        }
        nodes.unshare(root);
    }

    /** Visits entries with {@code fromKey <= key < toKeyExclusive} in key order; false when the visitor stopped. */
    boolean scan(long root, long fromKey, long toKeyExclusive, EntryVisitor visitor) throws IOException {
        if (root == NodeStore.NO_NODE) {
            return true;
        }
        TreeNode node = nodes.load(root);
        int start = node.isLeaf() ? Math.max(0, insertionPoint(node, fromKey)) : node.childIndex(fromKey);
        for (int i = start; i < node.count() && node.key(i) < toKeyExclusive; i++) {
            boolean more = node.isLeaf()
                    ? visitor.visit(node.key(i), node.value(i))
                    : scan(node.value(i), fromKey, toKeyExclusive, visitor);
            if (!more) {
                return false;
            }
        }
        return true;
    }

    private static int insertionPoint(TreeNode leaf, long key) {
        int i = leaf.search(key);
        return i >= 0 ? i : -i - 1;
    }
}
