package dev.cairn.pool.chunk;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Recomputes every reference count from the trees and compares it with the stored one, in the
 * manner of {@code qemu-img check}: a stored count above the recomputed one is a leak (space lost,
 * repairable), below it is corruption (space that could be handed out twice; reported, not repaired).
 *
 * <p>Under lazy reference counting a node's count is the number of distinct parents (device records
 * or internal nodes) naming it, and a data chunk's count the number of distinct leaves naming it, so
 * each shared node is walked once. Needs 4 bytes of heap per data chunk and per node block.
 * Not thread-safe: guarded by the store lock.
 */
final class RefcountAudit {

    private final StoreLayout layout;
    private final NodeStore nodes;
    private final SpaceMap dataChunks;
    private final DeviceTable devices;
    private final int[] nodeRefs;
    private final int[] dataRefs;
    private final Map<Long, Long> entriesUnder = new HashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final List<Device> wrongMappedCounts = new ArrayList<>();
    private long leaks;
    private long corruptions;
    private long repaired;

    RefcountAudit(StoreLayout layout, NodeStore nodes, SpaceMap dataChunks, DeviceTable devices) {
        this.layout = layout;
        this.nodes = nodes;
        this.dataChunks = dataChunks;
        this.devices = devices;
        this.nodeRefs = new int[Math.toIntExact(layout.nodeBlockCount())];
        this.dataRefs = new int[Math.toIntExact(layout.dataChunkCount())];
    }

    CheckReport run(boolean repair) throws IOException {
        try {
            referDeviceTable(devices.root());
            devices.forEach(this::referDevice);
        } catch (ChunkStoreException e) {
            if (e.reason() != ChunkStoreException.Reason.CORRUPT) {
                throw e;
            }
            corruption("device table: " + e.getMessage());
        }
        compare(nodes.blocks(), nodeRefs, "node block", repair);
        compare(dataChunks, dataRefs, "data chunk", repair);
        compareFreeCounts(nodes.blocks(), "node", repair);
        compareFreeCounts(dataChunks, "data", repair);
        if (repair) {
            for (Device device : wrongMappedCounts) {
                devices.put(device);
                repaired++;
            }
        }
        return new CheckReport(leaks, corruptions, repaired, problems);
    }

    private void referDeviceTable(long address) throws IOException {
        if (address == NodeStore.NO_NODE) {
            return;
        }
        if (nodeRefs[(int) nodes.entry(address)]++ > 0) {
            corruption("device table node " + address + " is reached twice");
            return;
        }
        TreeNode node = nodes.load(address);
        if (node.kind != TreeKind.DEVICES) {
            corruption("device table node " + address + " is a " + node.kind + " node");
            return;
        }
        for (int i = 0; i < node.count() && !node.isLeaf(); i++) {
            referDeviceTable(node.value(i));
        }
    }

    private void referDevice(Device device) throws IOException {
        try {
            long entries = referMapping(device.mappingRoot(), -1);
            if (entries != device.mappedChunks()) {
                leak("device " + device.id() + " records " + device.mappedChunks() + " mapped chunks, maps " + entries);
                wrongMappedCounts.add(device.withMapping(device.mappingRoot(), entries));
            }
        } catch (ChunkStoreException e) {
            if (e.reason() != ChunkStoreException.Reason.CORRUPT) {
                throw e;
            }
            corruption("device " + device.id() + ": " + e.getMessage());
        }
    }

    /** Counts one reference to the mapping node; walks it on the first one. Returns the entries below it. */
    private long referMapping(long address, int expectedLevel) throws IOException {
        if (address == NodeStore.NO_NODE) {
            return 0;
        }
        if (nodeRefs[(int) nodes.entry(address)]++ > 0) {
            return entriesUnder.getOrDefault(address, 0L);
        }
        TreeNode node = nodes.load(address);
        if (node.kind != TreeKind.MAPPING || (expectedLevel >= 0 && node.level != expectedLevel)) {
            throw ChunkStoreException.corrupt("node " + address + " is a " + node.kind + " node at level "
                    + node.level + " where a mapping node was expected");
        }
        long entries = 0;
        for (int i = 0; i < node.count(); i++) {
            if (node.isLeaf()) {
                long chunk = node.value(i);
                if (chunk < 0 || chunk >= layout.dataChunkCount()) {
                    throw ChunkStoreException.corrupt("node " + address + " maps to chunk " + chunk);
                }
                dataRefs[(int) chunk]++;
                entries++;
            } else {
                entries += referMapping(node.value(i), node.level - 1);
            }
        }
        entriesUnder.put(address, entries);
        return entries;
    }

    private void compare(SpaceMap map, int[] expected, String what, boolean repair) throws IOException {
        for (int entry = 0; entry < expected.length; entry++) {
            int stored = map.refcount(entry);
            if (Integer.compareUnsigned(stored, expected[entry]) > 0) {
                leak(what + " " + entry + ": count " + Integer.toUnsignedString(stored) + ", referenced "
                        + expected[entry] + " times");
                if (repair) {
                    map.repairRefcount(entry, expected[entry]);
                    repaired++;
                }
            } else if (stored != expected[entry]) {
                corruption(what + " " + entry + ": count " + stored + ", referenced " + expected[entry] + " times");
            }
        }
    }

    private void compareFreeCounts(SpaceMap map, String what, boolean repair) throws IOException {
        for (long page = 0; page < map.pageSpan(); page++) {
            int actual = map.countFreeIn(page);
            if (actual != map.recordedFreeIn(page)) {
                leak(what + " refcount page " + page + ": index says " + map.recordedFreeIn(page) + " free, page has "
                        + actual);
                if (repair) {
                    map.repairFreeCount(page, actual);
                    repaired++;
                }
            }
        }
    }

    private void leak(String problem) {
        leaks++;
        note(problem);
    }

    private void corruption(String problem) {
        corruptions++;
        note(problem);
    }

    private void note(String problem) {
        if (problems.size() < CheckReport.MAX_PROBLEMS) {
            problems.add(problem);
        }
    }
}
