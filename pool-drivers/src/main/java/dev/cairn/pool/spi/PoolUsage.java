package dev.cairn.pool.spi;

/**
 * Space of a pool's storage.
 *
 * @param capacityBytes what the storage can hold in all
 * @param allocationBytes what is in use
 * @param availableBytes what is still free
 */
public record PoolUsage(long capacityBytes, long allocationBytes, long availableBytes) {
}
