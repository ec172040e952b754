package dev.cairn.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Asks for a volume's snapshots to be sent to a volume of another Cairn service.
 *
 * @param url the target service's base URL, e.g. {@code http://backup:8080}
 * @param token the target's bearer token, when it requires one
 * @param pool the target pool
 * @param volume the target volume; made when missing
 */
public record ReplicateRequest(
        @JsonPropertyDescription("the target service's base URL, e.g. http://backup:8080") String url,
        @JsonPropertyDescription("the target's bearer token, when it requires one") String token,
        @JsonPropertyDescription("the target pool") String pool,
        @JsonPropertyDescription("the target volume; made (same capacity, qcow2 in a dir pool) when missing") String volume) {
    public ReplicateRequest {
        if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
            throw CairnException.invalidArgument("url must be the target service's http:// or https:// base URL");
        }
        ResourceName.require("pool", pool);
        ResourceName.require("volume", volume);
    }
}
