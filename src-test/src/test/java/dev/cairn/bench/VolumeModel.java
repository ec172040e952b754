package dev.cairn.bench;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one volume should hold, as the service's acknowledged answers imply: its content, its snapshot
 * tree (parents and the current snapshot), each snapshot's content, and the clones made from it. Only one
 * client changes a volume, so the model is exact; an operation in flight is modelled by copies with it
 * applied ({@link #copy()}). Used by the crash and load tests. Not thread-safe.
 */
public final class VolumeModel {
    private byte[] head;
    private final Map<String, String> parents;
    private final Map<String, byte[]> snapshots;
    private final Map<String, byte[]> clones;
    private String current;

    public VolumeModel(int capacity) {
        this(new byte[capacity], new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>(), null);
    }

    private VolumeModel(byte[] head, Map<String, String> parents, Map<String, byte[]> snapshots,
                        Map<String, byte[]> clones, String current) {
        this.head = head;
        this.parents = parents;
        this.snapshots = snapshots;
        this.clones = clones;
        this.current = current;
    }

    public VolumeModel copy() {
        return new VolumeModel(head.clone(), new LinkedHashMap<>(parents), new LinkedHashMap<>(snapshots),
                new LinkedHashMap<>(clones), current);
    }

    public byte[] head() {
        return head;
    }

    /** Snapshot names, oldest first. */
    public List<String> snapshotNames() {
        return new ArrayList<>(parents.keySet());
    }

    public Map<String, String> parents() {
        return parents;
    }

    public String current() {
        return current;
    }

    public byte[] snapshot(String name) {
        return snapshots.get(name);
    }

    public Map<String, byte[]> clones() {
        return clones;
    }

    /** The tree, the current snapshot and the clones' names are those observed. */
    public boolean sameShape(Map<String, String> observedParents, String observedCurrent, List<String> observedClones) {
        return parents.equals(observedParents) && Objects.equals(current, observedCurrent)
                && clones.keySet().equals(new java.util.HashSet<>(observedClones));
    }

    public void write(int offset, byte[] data) {
        System.arraycopy(data, 0, head, offset, data.length);
    }

    /** The volume's content was replaced (re-read after a restart). */
    public void head(byte[] content) {
        head = content.clone();
    }

    public void created(String name) {
        parents.put(name, current);
        snapshots.put(name, head.clone());
        current = name;
    }

    public void reverted(String name) {
        head = snapshots.get(name).clone();
        current = name;
    }

    /** A delete with {@code children} = rebase, delete or only, as the service does it. */
    public void deleted(String name, String children) {
        List<String> removed = children.equals("rebase") ? new ArrayList<>() : descendants(name);
        if (!children.equals("only")) {
            removed.add(name);
        }
        String heir = children.equals("only") ? name : parents.get(name);
        if (children.equals("rebase")) {
            parents.replaceAll((child, parent) -> name.equals(parent) ? heir : parent);
        }
        if (removed.contains(current)) {
            current = heir;
        }
        removed.forEach(gone -> {
            parents.remove(gone);
            snapshots.remove(gone);
        });
    }

    /** Merge: the volume takes the snapshot's content, then the snapshot goes with its children rebased. */
    public void merged(String name) {
        reverted(name);
        deleted(name, "rebase");
    }

    public void cloned(String snapshot, String clone) {
        clones.put(clone, snapshots.get(snapshot).clone());
    }

    public void cloneDeleted(String clone) {
        clones.remove(clone);
    }

    private List<String> descendants(String name) {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, String> entry : parents.entrySet()) {
            if (name.equals(entry.getValue())) {
                found.addAll(descendants(entry.getKey()));
                found.add(entry.getKey());
            }
        }
        return found;
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
