package dev.cairn.pool.chunk;

/**
 * One thin device (volume, snapshot or clone) as recorded in the device table.
 *
 * @param id            the 64-bit device id (1 .. {@link DeviceTable#MAX_DEVICE_ID})
 * @param mappingRoot   root block of its mapping tree, {@link NodeStore#NO_NODE} when nothing is mapped
 * @param capacityBytes logical size
 * @param mappedChunks  logical chunks that map to a data chunk
 */
record Device(long id, long mappingRoot, long capacityBytes, long mappedChunks) {

    Device {
        if (id < 1 || id > DeviceTable.MAX_DEVICE_ID || capacityBytes < 0 || mappedChunks < 0) {
            throw new IllegalStateException("bad device record: " + id + ", " + capacityBytes + ", " + mappedChunks);
        }
    }

    Device withMapping(long root, long mapped) {
        return new Device(id, root, capacityBytes, mapped);
    }

    Device withCapacity(long newCapacityBytes) {
        return new Device(id, mappingRoot, newCapacityBytes, mappedChunks);
    }
}
