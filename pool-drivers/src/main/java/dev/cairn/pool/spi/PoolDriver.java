package dev.cairn.pool.spi;

/**
 * One type of pool (dir, chunk): builds storage for a definition and starts it.
 *
 * <p>Implementations are stateless and registered with {@link java.util.ServiceLoader}; the service
 * finds them through {@link PoolDrivers}.
 */
public interface PoolDriver {

    /** The type name clients use, e.g. {@code dir}. */
    String type();

    /**
     * Checks that the definition's storage location can hold a pool and prepares it (for a dir pool:
     * creates the directory when missing). Building a pool that was built before is allowed and keeps
     * what is there, so a pool can be defined again over existing storage.
     *
     * <p>On failure nothing has been created.
     *
     * @param options build-time settings; a driver refuses settings it does not take
     * @throws dev.cairn.api.CairnException {@code INVALID_ARGUMENT} when the location is unusable (a file,
     *         not writable, not absolute) or an option does not fit the driver
     */
    void build(PoolDefinition definition, BuildOptions options);

    /**
     * Starts the pool: checks its storage is reachable and returns the object that serves its volumes.
     * Starting has no effect on storage.
     *
     * @throws dev.cairn.api.CairnException {@code OPERATION_INVALID} when the storage is not there
     */
    ActivePool start(PoolDefinition definition);
}
