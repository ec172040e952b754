package dev.cairn.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Asks for a snapshot of a volume's current content.
 *
 * @param name pool-unique name (see {@link ResourceName}); absent: generated from the time
 * @param description free text, at most {@link #MAX_DESCRIPTION} characters
 * @param kind {@code internal} or {@code external} (dir pools); absent: the pool's choice
 */
public record SnapshotCreateRequest(
        @JsonPropertyDescription("pool-unique name; absent: generated from the time") String name,
        @JsonPropertyDescription("free text, at most 1024 characters") String description,
        @JsonPropertyDescription("internal (inside a qcow2 file) or external (the volume goes on in a new qcow2 "
                + "overlay); absent: internal for qcow2 volumes, external for raw ones, the volume's kind once it "
                + "has snapshots") String kind) {
    /** The longest description accepted. */
    public static final int MAX_DESCRIPTION = 1024;

    public SnapshotCreateRequest {
        if (name != null) {
            ResourceName.require("snapshot", name);
        }
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw CairnException.invalidArgument("description is longer than " + MAX_DESCRIPTION + " characters");
        }
        if (kind != null && !kind.equals("internal") && !kind.equals("external")) {
            throw CairnException.invalidArgument("kind must be internal or external, not '" + kind + "'");
        }
    }

    /** A snapshot of the pool's choice of kind. */
    public SnapshotCreateRequest(String name, String description) {
        this(name, description, null);
    }
}
