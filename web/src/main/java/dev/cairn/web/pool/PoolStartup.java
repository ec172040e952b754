package dev.cairn.web.pool;

import dev.cairn.web.CairnProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * At start: says where the data lives, makes the default pool on a new catalog, starts pools. Runs once
 * every bean exists and before the web server opens, so no request ever sees a service without its pools.
 */
@Component
class PoolStartup implements SmartInitializingSingleton {
    private static final Logger LOG = LoggerFactory.getLogger(PoolStartup.class);

    private final PoolService pools;
    private final CairnProperties properties;

    PoolStartup(PoolService pools, CairnProperties properties) {
        this.pools = pools;
        this.properties = properties;
    }

    @Override
    public void afterSingletonsInstantiated() {
        LOG.info("Cairn data directory: {} (catalog in {}, default pool in {})", properties.dataDir(),
                properties.dataDir().resolve("catalog"), properties.defaultPoolPath());
        pools.ensureDefaultPool();
        pools.startAll().forEach((pool, report) -> {
            if (!report.adopted().isEmpty() || !report.vanished().isEmpty()) {
                LOG.warn("pool '{}' disagreed with the catalog: adopted {}, vanished {}", pool, report.adopted(),
                        report.vanished());
            }
        });
    }
}
