package dev.cairn.web.pool;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.pool.spi.ActivePool;
import jakarta.annotation.PreDestroy;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.stereotype.Component;

/** The pools started in this process, by name. Thread-safe. */
@Component
public class ActivePools {
    private final ConcurrentMap<String, ActivePool> byName = new ConcurrentHashMap<>();

    /** The started pool {@code name}, if it runs. */
    public Optional<ActivePool> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The started pool {@code name}.
     *
     * @throws CairnException {@code OPERATION_INVALID} when the pool is defined but not running
     */
    public ActivePool require(String name) {
        ActivePool pool = byName.get(name);
        if (pool == null) {
            throw new CairnException(ErrorCode.OPERATION_INVALID, "pool '" + name + "' is not running; start it first",
                    Map.of("pool", name), null);
        }
        return pool;
    }

    void put(ActivePool pool) {
        byName.put(pool.definition().name(), pool);
    }

    Optional<ActivePool> remove(String name) {
        return Optional.ofNullable(byName.remove(name));
    }

    /** At shutdown: every started pool makes its changes durable and lets go of its files. */
    @PreDestroy
    void closeAll() {
        byName.values().forEach(ActivePool::close);
        byName.clear();
    }
}
