package dev.cairn.pool.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The reference every device's bytes are checked against: plain arrays, one per device. */
final class DeviceModel {

    private final Map<Long, byte[]> devices = new LinkedHashMap<>();

    DeviceModel copy() {
        DeviceModel copy = new DeviceModel();
        devices.forEach((id, bytes) -> copy.devices.put(id, bytes.clone()));
        return copy;
    }

    void create(long id, long capacity) {
        devices.put(id, new byte[Math.toIntExact(capacity)]);
    }

    void snapshot(long origin, long id) {
        devices.put(id, devices.get(origin).clone());
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
        for (Map.Entry<Long, byte[]> device : devices.entrySet()) {
            byte[] expected = device.getValue();
            assertThat(store.deviceCapacityBytes(device.getKey())).as("capacity of %d", device.getKey())
                    .isEqualTo(expected.length);
            byte[] actual = new byte[expected.length];
            store.read(device.getKey(), 0, actual, 0, actual.length);
            if (!Arrays.equals(actual, expected)) {
                int at = Arrays.mismatch(actual, expected);
                throw new AssertionError("device " + device.getKey() + " differs from the model at byte " + at
                        + " (chunk " + at / store.chunkSizeBytes() + ")");
            }
        }
    }
}
