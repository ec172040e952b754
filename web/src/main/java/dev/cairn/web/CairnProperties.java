package dev.cairn.web;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Cairn's own settings ({@code cairn.*}).
 *
 * @param dataDir where the catalog database and the default pool live ({@code cairn.data-dir})
 */
@ConfigurationProperties("cairn")
public record CairnProperties(Path dataDir) {
    public CairnProperties {
        dataDir = dataDir.toAbsolutePath().normalize();
    }

    /** The directory of the {@code default} pool made on first start. */
    public Path defaultPoolPath() {
        return dataDir.resolve("pools").resolve("default");
    }
}
