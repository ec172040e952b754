package dev.cairn.pool.spi;

/**
 * A volume as its storage holds it.
 *
 * @param name volume name
 * @param format storage format
 * @param path where the storage lives, as the user sees it (a file for dir pools)
 * @param capacityBytes virtual size
 * @param allocationBytes bytes occupied on storage
 */
public record StoredVolume(String name, String format, String path, long capacityBytes, long allocationBytes) {
}
