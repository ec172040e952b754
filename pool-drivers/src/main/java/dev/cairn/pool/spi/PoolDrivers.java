package dev.cairn.pool.spi;

import dev.cairn.api.CairnException;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The pool drivers found on the class path, by type. Immutable and thread-safe. */
public final class PoolDrivers {
    private final Map<String, PoolDriver> byType;

    private PoolDrivers(Map<String, PoolDriver> byType) {
        this.byType = Map.copyOf(byType);
    }

    /** The drivers registered with {@link ServiceLoader} for the class loader of this SPI. */
    public static PoolDrivers installed() {
        Map<String, PoolDriver> found = new TreeMap<>();
        ServiceLoader.load(PoolDriver.class, PoolDriver.class.getClassLoader())
                .forEach(driver -> found.put(driver.type(), driver));
        return new PoolDrivers(found);
    }

    /**
     * The driver of {@code type}.
     *
     * @throws CairnException {@code INVALID_ARGUMENT} naming the known types
     */
    public PoolDriver lookup(String type) {
        PoolDriver driver = byType.get(type);
        if (driver == null) {
            throw CairnException.invalidArgument("unknown pool type '" + type + "'; known types: " + types());
        }
        return driver;
    }

    /** The known types, sorted. */
    public List<String> types() {
        return List.copyOf(new TreeMap<>(byType).keySet());
    }
}
