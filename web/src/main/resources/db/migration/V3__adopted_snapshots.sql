-- Snapshots found in storage (made outside Cairn, e.g. by qemu-img) and adopted on refresh, as roots.
ALTER TABLE snapshot ADD COLUMN adopted BOOLEAN DEFAULT FALSE NOT NULL;
