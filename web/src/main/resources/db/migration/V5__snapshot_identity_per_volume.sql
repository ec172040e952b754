-- A snapshot's uuid is its identity across services and volumes: a delta applied to another volume makes
-- a snapshot with the same uuid there (even in the same service). Unique per volume, not catalog-wide.
ALTER TABLE snapshot DROP CONSTRAINT snapshot_uuid_unique;
ALTER TABLE snapshot ADD CONSTRAINT snapshot_volume_uuid_unique UNIQUE (volume_id, uuid);
