package dev.cairn.pool.spi;

/**
 * Settings a pool takes only when its storage is first built.
 *
 * @param capacityBytes storage size for drivers that preallocate a store (chunk); 0: the driver's default
 * @param chunkSizeBytes allocation unit for drivers that have one (chunk); 0: the driver's default
 */
public record BuildOptions(long capacityBytes, int chunkSizeBytes) {
    /** Every driver's defaults. */
    public static final BuildOptions DEFAULTS = new BuildOptions(0, 0);

    public BuildOptions {
        if (capacityBytes < 0 || chunkSizeBytes < 0) {
            throw new IllegalArgumentException("build options must not be negative");
        }
    }

    /** Whether anything differs from the defaults. */
    public boolean isDefault() {
        return equals(DEFAULTS);
    }
}
