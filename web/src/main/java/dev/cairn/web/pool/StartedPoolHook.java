package dev.cairn.web.pool;

import dev.cairn.pool.spi.ActivePool;
import dev.cairn.web.catalog.PoolRow;

/**
 * Work that must run on a pool when the service starts it, before its storage is reconciled with the
 * catalog: finishing or undoing what a crash interrupted, so that reconciliation never adopts a leftover.
 */
public interface StartedPoolHook {

    /** Called once per pool the service starts at boot, holding no lock; must not throw for a healthy pool. */
    void started(PoolRow pool, ActivePool storage);
}
