package dev.cairn.api;

import java.util.Arrays;

/**
 * A connection to a Cairn service, the entry point of the SDK (libvirt's {@code virConnect}): pools are
 * reached from here, volumes from their pool, snapshots from their volume.
 *
 * <p>Constructing a {@code Connect} sends no request; the first call tells whether the service can be
 * reached. Every call is one or more HTTP requests, and every failure is a {@link CairnException}:
 * <ul>
 *   <li>an error the service answers carries its stable code ({@link CairnException#getCode()}, e.g.
 *       {@code NO_STORAGE_POOL}) and the problem's {@code detail} as message; the problem's pool, volume
 *       and snapshot names are in {@link CairnException#context()};</li>
 *   <li>a transport failure (connection refused, reset, timed out) has code {@code STORAGE_ERROR}, the
 *       {@link java.io.IOException} as cause and the base URI under the context key {@code service};</li>
 *   <li>arguments that cannot make a valid request (a null or dot-only name, a negative offset, unknown
 *       flags) fail with {@code INVALID_ARGUMENT} before anything is sent.</li>
 * </ul>
 *
 * <p>Thread-safe: one {@code Connect} may serve many threads. The handles it gives ({@link StoragePool},
 * {@link StorageVol}, {@link StorageVolSnapshot}) are immutable names; each {@code getInfo()} asks the
 * service afresh, and a handle of a deleted resource answers its not-found code.
 */
public final class Connect implements AutoCloseable {
    private final Transport transport;

    /**
     * A connection to the service at {@code uri} without authentication.
     *
     * @param uri base URI of the service, e.g. {@code http://127.0.0.1:8080} (a path prefix is kept)
     * @throws CairnException {@code INVALID_ARGUMENT} for a URI that is not an absolute http(s) URI
     */
    public Connect(String uri) {
        this.transport = new Transport(uri, null);
    }

    /**
     * A connection to a service started with {@code --cairn.security.token}: every request carries
     * {@code Authorization: Bearer <token>}. A missing or wrong token shows at the first call as
     * {@code UNAUTHORIZED}.
     *
     * @param token the service's token; null means none, as {@link #Connect(String)}
     * @throws CairnException {@code INVALID_ARGUMENT} for a bad URI or a token that is empty or not
     *     printable ASCII without spaces
     */
    public Connect(String uri, String token) {
        this.transport = new Transport(uri, token);
    }

    /** The service's base URI, without a trailing slash. */
    public String getURI() {
        return transport.baseUri();
    }

    /** Names of all pools, in the service's order. */
    public String[] listStoragePools() {
        return Arrays.stream(transport.get(pools(), PoolInfo[].class)).map(PoolInfo::name).toArray(String[]::new);
    }

    /** Handles of all pools, in the service's order. */
    public StoragePool[] listAllStoragePools() {
        return Arrays.stream(listStoragePools()).map(name -> new StoragePool(this, name)).toArray(StoragePool[]::new);
    }

    /**
     * The pool named {@code name}, after the service confirmed it exists.
     *
     * @throws CairnException {@code NO_STORAGE_POOL} when there is none
     */
    public StoragePool storagePoolLookupByName(String name) {
        StoragePool pool = new StoragePool(this, name);
        pool.getInfo();
        return pool;
    }

    /**
     * Defines, builds and starts a pool (libvirt's define + build + create in one step).
     *
     * @param type {@code dir} (volumes are files) or {@code chunk} (one copy-on-write chunk store, with
     *     snapshots)
     * @param path absolute directory for the pool's storage; null: {@code <data-dir>/pools/<name>}
     * @throws CairnException {@code NAME_TAKEN}, {@code INVALID_ARGUMENT} (bad name, type or path, a path
     *     overlapping another pool)
     */
    public StoragePool storagePoolCreate(String name, String type, String path) {
        return storagePoolCreate(new PoolCreateRequest(name, type, path));
    }

    /**
     * Defines, builds and starts a pool with every option of the service, e.g. a chunk pool's capacity
     * and chunk size.
     *
     * @throws CairnException as {@link #storagePoolCreate(String, String, String)}
     */
    public StoragePool storagePoolCreate(PoolCreateRequest request) {
        PoolInfo created = transport.send("POST", pools(), request, PoolInfo.class);
        return new StoragePool(this, created.name());
    }

    /**
     * Makes every later call on this connection and its handles fail with {@code OPERATION_INVALID}.
     * Streams already returned by downloads stay readable. Idempotent.
     */
    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        return "Connect[" + getURI() + "]";
    }

    Transport transport() {
        return transport;
    }

    private static ResourcePath pools() {
        return ResourcePath.api().segment("pools");
    }
}
