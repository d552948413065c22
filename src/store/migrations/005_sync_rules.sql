-- Migration to schema version 5: sync rules (retention tombstones). The
-- statements are the "Sync: retention" section of schema.sql verbatim (a
-- test checks that a migrated journal has the same schema as a fresh one).

----------------------------------------------------------------------------
-- Sync: retention (added in schema version 5; docs/sync.md)
----------------------------------------------------------------------------

-- Rows removed by retention, here or because a partner's retention
-- tombstone (a change of group '!retention' of the client, in sync_change)
-- was re-checked here and held: the client whose record they were, and the
-- tombstone (site, hlc) that removed them. A change of such a row that the
-- tombstone had seen is ignored (an old change set cannot bring it back);
-- one it had not seen is a newer entry, kept and listed as a conflict.
CREATE TABLE sync_tombstone (
    row_id    TEXT PRIMARY KEY,
    tbl       TEXT NOT NULL,
    client_id TEXT NOT NULL,
    site      TEXT NOT NULL,
    hlc       INTEGER NOT NULL
) STRICT;
CREATE INDEX sync_tombstone_client ON sync_tombstone (client_id);
