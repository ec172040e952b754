package dev.cairn.pool.chunk;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Compares two mapping trees in key order without descending into subtrees they share.
 *
 * <p>Each side is a stack of pending items, either an entry or a whole subtree with a lower bound of
 * its keys. When both sides face the same subtree (equal block address) it is skipped in one step;
 * otherwise the subtree with the smaller lower bound is opened. The cost follows what differs, not
 * the size of the devices.
 */
final class TreeDiff {

    /** Receives runs of differing chunks in ascending order. */
    interface ChunkRuns {
        void run(long firstChunk, long chunkCount, DiffKind kind) throws IOException;
    }

    private sealed interface Item permits Entry, Subtree {
        long lowKey();
    }

    private record Entry(long lowKey, long value) implements Item {
    }

    private record Subtree(long lowKey, long address, int level) implements Item {
    }

    private final NodeStore nodes;
    private final ChunkRuns out;
    private long nodesRead;
    private long runStart = -1;
    private long runLength;
    private DiffKind runKind;

    private TreeDiff(NodeStore nodes, ChunkRuns out) {
        this.nodes = nodes;
        this.out = out;
    }

    /** Reports the runs where tree B differs from tree A; returns the number of nodes read. */
    static long diff(NodeStore nodes, long rootA, long rootB, ChunkRuns out) throws IOException {
        TreeDiff diff = new TreeDiff(nodes, out);
        diff.walk(rootA, rootB);
        return diff.nodesRead;
    }

    private void walk(long rootA, long rootB) throws IOException {
        Deque<Item> a = start(rootA);
        Deque<Item> b = start(rootB);
        while (!a.isEmpty() || !b.isEmpty()) {
            Item x = a.peek();
            Item y = b.peek();
            long kx = x == null ? Long.MAX_VALUE : x.lowKey();
            long ky = y == null ? Long.MAX_VALUE : y.lowKey();
            if (x instanceof Subtree sx && y instanceof Subtree sy && sx.address() == sy.address()) {
                a.pop();
                b.pop();
            } else if (x instanceof Subtree || y instanceof Subtree) {
                openOne(a, b, x, y, kx, ky);
            } else if (y == null || (x != null && kx < ky)) {
                emit(a.pop().lowKey(), DiffKind.UNMAPPED);
            } else if (x == null || ky < kx) {
                emit(b.pop().lowKey(), DiffKind.CHANGED);
            } else {
                Entry ex = (Entry) a.pop();
                Entry ey = (Entry) b.pop();
                if (ex.value() != ey.value()) {
                    emit(ey.lowKey(), DiffKind.CHANGED);
                }
            }
        }
        flush();
    }

    /** At least one side faces a subtree: settle an entry that precedes it, or open a subtree. */
    private void openOne(Deque<Item> a, Deque<Item> b, Item x, Item y, long kx, long ky) throws IOException {
        if (x instanceof Entry && kx < ky) {
            emit(a.pop().lowKey(), DiffKind.UNMAPPED);
        } else if (y instanceof Entry && ky < kx) {
            emit(b.pop().lowKey(), DiffKind.CHANGED);
        } else if (x instanceof Subtree sx && y instanceof Subtree sy) {
            if (kx < ky || (kx == ky && sx.level() > sy.level())) {
                open(a);
            } else if (ky < kx || sy.level() > sx.level()) {
                open(b);
            } else {
                open(a);
                open(b);
            }
        } else if (x instanceof Subtree) {
            open(a);
        } else {
            open(b);
        }
    }

    private Deque<Item> start(long root) throws IOException {
        Deque<Item> items = new ArrayDeque<>();
        if (root != NodeStore.NO_NODE) {
            nodesRead++;
            items.push(new Subtree(0, root, nodes.load(root).level));
        }
        return items;
    }

    private void open(Deque<Item> side) throws IOException {
        Subtree subtree = (Subtree) side.pop();
        TreeNode node = nodes.load(subtree.address());
        nodesRead++;
        for (int i = node.count() - 1; i >= 0; i--) {
            side.push(node.isLeaf()
                    ? new Entry(node.key(i), node.value(i))
                    : new Subtree(node.key(i), node.value(i), node.level - 1));
        }
    }

    private void emit(long chunk, DiffKind kind) throws IOException {
        if (runStart >= 0 && kind == runKind && chunk == runStart + runLength) {
            runLength++;
            return;
        }
        flush();
        runStart = chunk;
        runLength = 1;
        runKind = kind;
    }

    private void flush() throws IOException {
        if (runStart >= 0) {
            out.run(runStart, runLength, runKind);
            runStart = -1;
        }
    }
}
