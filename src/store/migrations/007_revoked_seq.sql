-- Migration to schema version 7 (schema.sql, "sync_change" and
-- "sync_revoked"): log positions are never used twice (AUTOINCREMENT), the
-- tombstones have an index, and each revocation marker has the log position
-- at which it was set. Both tables are made anew so that their text is
-- schema.sql's. The positions already confirmed by a partner stay used, and
-- the markers already here are named in the next change set to every
-- partner.
CREATE TEMP TABLE change_before AS SELECT * FROM sync_change;
DROP TABLE sync_change;
CREATE TABLE sync_change (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    site   TEXT NOT NULL CHECK (length(site) = 36),
    hlc    INTEGER NOT NULL CHECK (hlc >= 0),
    tbl    TEXT NOT NULL,
    row_id TEXT NOT NULL CHECK (length(row_id) = 36),
    grp    TEXT NOT NULL,
    value  TEXT NOT NULL CHECK (json_valid(value) AND json_type(value) = 'object'),
    seen   TEXT NOT NULL CHECK (json_valid(seen) AND json_type(seen) = 'object'),
    at     TEXT NOT NULL,
    staff  TEXT NOT NULL,
    UNIQUE (site, hlc, grp)
) STRICT;
CREATE INDEX sync_change_row ON sync_change (row_id, grp);
CREATE INDEX sync_change_retention ON sync_change (hlc, site) WHERE grp = '!retention';
INSERT INTO sync_change (seq, site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT seq, site, hlc, tbl, row_id, grp, value, seen, at, staff FROM change_before ORDER BY seq;
DROP TABLE change_before;
DELETE FROM sqlite_sequence WHERE name = 'sync_change';
INSERT INTO sqlite_sequence (name, seq) VALUES ('sync_change', max(
    (SELECT coalesce(max(seq), 0) FROM sync_change),
    (SELECT coalesce(max(sent_acked), 0) FROM sync_peer),
    (SELECT coalesce(max(CAST(value AS INTEGER)), 0) FROM journal_meta WHERE key = 'sync_exported')));

CREATE TEMP TABLE revoked_before AS SELECT row_id, tbl, hlc FROM sync_revoked;
DROP TABLE sync_revoked;
CREATE TABLE sync_revoked (
    row_id TEXT PRIMARY KEY,
    tbl    TEXT NOT NULL,
    hlc    INTEGER NOT NULL,
    seq    INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO sync_revoked (row_id, tbl, hlc, seq)
    SELECT row_id, tbl, hlc, (SELECT seq + 1 FROM sqlite_sequence WHERE name = 'sync_change') FROM revoked_before;
DROP TABLE revoked_before;
