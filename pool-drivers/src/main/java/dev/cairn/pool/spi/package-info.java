/**
 * The driver SPI: what the service asks of storage.
 *
 * <p>A {@link dev.cairn.pool.spi.PoolDriver} turns a {@link dev.cairn.pool.spi.PoolDefinition} into
 * storage ({@code build}) and into an {@link dev.cairn.pool.spi.ActivePool} ({@code start}); the active
 * pool creates, describes, opens, resizes and deletes volumes. Volume bytes are read and written through
 * a {@link dev.cairn.pool.spi.BlockDevice}. Pools whose volumes are files (dir pools) store each volume
 * in a {@link dev.cairn.pool.spi.VolumeFormat} (raw, qcow2) looked up in
 * {@link dev.cairn.pool.spi.VolumeFormats}; formats register themselves with {@link java.util.ServiceLoader},
 * as QEMU's block drivers register in its driver table.
 *
 * <h2>Rules every implementation follows</h2>
 * <ul>
 *   <li>Failures are {@link dev.cairn.api.CairnException}s with a stable code. A call that fails with
 *       {@code INVALID_ARGUMENT}, {@code NAME_TAKEN}, {@code OPERATION_INVALID} or a not-found code has
 *       changed nothing on storage.</li>
 *   <li>A full file system is {@code INSUFFICIENT_SPACE}, never a corrupted volume.</li>
 *   <li>Storage never leaves the pool: volume names are {@link dev.cairn.api.ResourceName}s, and a driver
 *       refuses names and links that would resolve outside the pool directory.</li>
 *   <li>Thread-safety: drivers do not lock. The service serializes calls on one volume and calls that
 *       change a pool's set of volumes; calls on different volumes may run in parallel, so a driver must
 *       keep no unguarded state shared between volumes.</li>
 *   <li>Operations a driver does not offer throw {@code OPERATION_UNSUPPORTED}; snapshots, clones and
 *       deltas join this SPI the same way, as operations a driver may or may not offer.</li>
 * </ul>
 */
package dev.cairn.pool.spi;
