package dev.cairn.web;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Cairn's own settings ({@code cairn.*}).
 *
 * @param dataDir where the catalog database and the default pool live ({@code cairn.data-dir})
 * @param security who may call the API ({@code cairn.security.*})
 */
@ConfigurationProperties("cairn")
public record CairnProperties(Path dataDir, Security security) {
    public CairnProperties {
        dataDir = dataDir.toAbsolutePath().normalize();
        security = security == null ? new Security(null) : security;
    }

    /**
     * @param token the bearer token every API request must carry; absent or blank: no authentication,
     *              which the service allows only on a loopback address
     */
    public record Security(String token) {
        public Security {
            token = token == null || token.isBlank() ? null : token;
        }

        /** Whether a token is required. */
        public boolean enabled() {
            return token != null;
        }
    }

    /** The directory of the {@code default} pool made on first start. */
    public Path defaultPoolPath() {
        return dataDir.resolve("pools").resolve("default");
    }
}
