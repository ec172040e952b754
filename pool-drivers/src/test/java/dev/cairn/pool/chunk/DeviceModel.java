package dev.cairn.pool.chunk;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The reference every device's bytes are checked against: plain arrays, one per device. */
final class DeviceModel {

    private final Map<Long, byte[]> devices = new LinkedHashMap<>();
    /** The store hands out ids 1, 2, 3, ... and never reuses one. */
    private long nextId = 1;

    /** The model of what {@code store} holds now; {@code nextId} is the id the store gives its next device. */
    static DeviceModel of(ChunkStore store, long nextId) {
        DeviceModel model = new DeviceModel();
        for (long id : store.deviceIds()) {
            byte[] bytes = new byte[Math.toIntExact(store.deviceCapacityBytes(id))];
            store.read(id, 0, bytes, 0, bytes.length);
            model.devices.put(id, bytes);
        }
        model.nextId = nextId;
        return model;
    }

    DeviceModel copy() {
        DeviceModel copy = new DeviceModel();
        devices.forEach((id, bytes) -> copy.devices.put(id, bytes.clone()));
        copy.nextId = nextId;
        return copy;
    }

    /** Adds an empty device; returns the id the store is expected to give it. */
    long create(long capacity) {
        devices.put(nextId, new byte[Math.toIntExact(capacity)]);
        return nextId++;
    }

    /** Adds a copy of {@code origin}; returns the id the store is expected to give it. */
    long snapshot(long origin) {
        devices.put(nextId, devices.get(origin).clone());
        return nextId++;
    }

    long nextId() {
        return nextId;
    }

    void delete(long id) {
        devices.remove(id);
    }

    void revert(long id, long from) {
        devices.put(id, devices.get(from).clone());
    }

    void write(long id, long offset, byte[] buf) {
        System.arraycopy(buf, 0, devices.get(id), (int) offset, buf.length);
    }

    void discard(long id, long offset, long len) {
        Arrays.fill(devices.get(id), (int) offset, (int) (offset + len), (byte) 0);
    }

    void resize(long id, long capacity) {
        devices.put(id, Arrays.copyOf(devices.get(id), Math.toIntExact(capacity)));
    }

    byte[] bytes(long id) {
        return devices.get(id);
    }

    Iterable<Long> ids() {
        return devices.keySet();
    }

    int size() {
        return devices.size();
    }

    long idAt(int i) {
        return devices.keySet().stream().skip(i).findFirst().orElseThrow();
    }

    /** Every device of the model exists in the store with the same capacity and bytes, and no other does. */
    void assertMatches(ChunkStore store) {
        String mismatch = mismatch(store);
        if (mismatch != null) {
            throw new AssertionError(mismatch);
        }
    }

    /** Where the store differs from the model, or null when it does not. */
    String mismatch(ChunkStore store) {
        long[] expectedIds = devices.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        if (!Arrays.equals(store.deviceIds(), expectedIds)) {
            return "device ids " + Arrays.toString(store.deviceIds()) + ", expected " + Arrays.toString(expectedIds);
        }
        for (long id = 1; id < nextId; id++) {
            if (store.deviceExists(id) != devices.containsKey(id)) {
                return "device " + id + (devices.containsKey(id) ? " is missing" : " should not exist");
            }
        }
        for (Map.Entry<Long, byte[]> device : devices.entrySet()) {
            byte[] expected = device.getValue();
            if (store.deviceCapacityBytes(device.getKey()) != expected.length) {
                return "device " + device.getKey() + " has capacity " + store.deviceCapacityBytes(device.getKey())
                        + ", expected " + expected.length;
            }
            byte[] actual = new byte[expected.length];
            store.read(device.getKey(), 0, actual, 0, actual.length);
            if (!Arrays.equals(actual, expected)) {
                int at = Arrays.mismatch(actual, expected);
                return "device " + device.getKey() + " differs from the model at byte " + at
                        + " (chunk " + at / store.chunkSizeBytes() + ")";
            }
        }
        return null;
    }
}
