package dev.cairn.web;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * The locks that serialize work on storage.
 *
 * <ul>
 *   <li>One namespace lock per pool, held while the pool's set of volumes changes (create, delete,
 *       refresh, stop, undefine).</li>
 *   <li>One read-write lock per volume: reads of content share it; anything that changes the volume
 *       (upload, resize, delete, later snapshots) takes it exclusively. Different volumes never wait for
 *       each other.</li>
 * </ul>
 * Order, to stay free of deadlocks: a pool's namespace lock before any of its volume locks.
 */
@Component
public class StorageLocks {
    private final ConcurrentMap<String, ReentrantLock> namespaces = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ReadWriteLock> volumes = new ConcurrentHashMap<>();

    /** Runs {@code work} holding pool {@code pool}'s namespace lock. */
    public <T> T inNamespace(String pool, Supplier<T> work) {
        ReentrantLock lock = namespaces.computeIfAbsent(pool, p -> new ReentrantLock());
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} holding the volume's lock shared (reading). */
    public <T> T reading(String pool, String volume, Supplier<T> work) {
        return holding(volumeLock(pool, volume).readLock(), work);
    }

    /** Runs {@code work} holding the volume's lock exclusively (changing it). */
    public <T> T changing(String pool, String volume, Supplier<T> work) {
        return holding(volumeLock(pool, volume).writeLock(), work);
    }

    /** Forgets the locks of a pool and its volumes once the pool is gone. */
    public void forgetPool(String pool) {
        namespaces.remove(pool);
        volumes.keySet().removeIf(key -> key.startsWith(pool + "/"));
    }

    private ReadWriteLock volumeLock(String pool, String volume) {
        return volumes.computeIfAbsent(pool + "/" + volume, key -> new ReentrantReadWriteLock());
    }

    private static <T> T holding(java.util.concurrent.locks.Lock lock, Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }
}
