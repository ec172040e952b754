package dev.cairn.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Asks for a snapshot of a volume's current content.
 *
 * @param name pool-unique name (see {@link ResourceName}); absent: generated from the time
 * @param description free text, at most {@link #MAX_DESCRIPTION} characters
 */
public record SnapshotCreateRequest(
        @JsonPropertyDescription("pool-unique name; absent: generated from the time") String name,
        @JsonPropertyDescription("free text, at most 1024 characters") String description) {
    /** The longest description accepted. */
    public static final int MAX_DESCRIPTION = 1024;

    public SnapshotCreateRequest {
        if (name != null) {
            ResourceName.require("snapshot", name);
        }
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw CairnException.invalidArgument("description is longer than " + MAX_DESCRIPTION + " characters");
        }
    }
}
