-- Migration to schema version 4: case bundles. The statements are the
-- "Case bundles" section of schema.sql verbatim (a test checks that a
-- migrated journal has the same schema as a fresh one).

----------------------------------------------------------------------------
-- Case bundles (added in schema version 4; docs/bundles.md)
----------------------------------------------------------------------------

-- This site's own keys: the Ed25519 signing key and the age X25519
-- identity. Local, never exchanged, never printed; the only way out is the
-- emergency identity file (`tovholder site identity`, audited).
CREATE TABLE site_key (
    site         TEXT PRIMARY KEY REFERENCES site (id),
    sign_secret  BLOB NOT NULL CHECK (length(sign_secret) = 32),
    age_identity TEXT NOT NULL CHECK (age_identity LIKE 'AGE-SECRET-KEY-1%'),
    created_at   TEXT NOT NULL
) STRICT;

-- Partner sites, registered from their site card after the fingerprint was
-- compared by phone. card is the card's JSON as it was read.
CREATE TABLE partner (
    site          TEXT PRIMARY KEY CHECK (length(site) = 36),
    name          TEXT NOT NULL CHECK (name <> ''),
    unit_id       TEXT NOT NULL CHECK (length(unit_id) = 36),
    unit_name     TEXT NOT NULL,
    municipality  TEXT NOT NULL,
    sign_key      BLOB NOT NULL UNIQUE CHECK (length(sign_key) = 32),
    age_recipient TEXT NOT NULL CHECK (age_recipient LIKE 'age1%'),
    card          TEXT NOT NULL,
    added_at      TEXT NOT NULL,
    added_by      TEXT NOT NULL REFERENCES staff (id)
) STRICT;

-- Bundles written for a partner, numbered 1, 2, … per partner. A number is
-- taken ('prepared') before the file is written and the bundle counts as
-- sent ('sent') once the file is durable; a number is never used twice.
-- hash is the SHA-256 of the signed manifest (which holds the hash of the
-- changes), hex; audit_seq our audit head written into it.
CREATE TABLE bundle_sent (
    partner    TEXT NOT NULL REFERENCES partner (site),
    seq        INTEGER NOT NULL CHECK (seq >= 1),
    hash       TEXT NOT NULL CHECK (length(hash) = 64),
    state      TEXT NOT NULL CHECK (state IN ('prepared', 'sent')),
    created_at TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    size       INTEGER NOT NULL CHECK (size >= 0),
    counts     TEXT NOT NULL CHECK (json_valid(counts)),
    audit_seq  INTEGER NOT NULL,
    PRIMARY KEY (partner, seq)
) STRICT;

-- Bundles read from a partner and applied, with the partner's audit-chain
-- head as of that bundle (echoed back in the next bundle to it, so a rewrite
-- of either site's audit log shows at the other). warning: what the import
-- noticed and kept (an audit head that went back, for one); acked_seq the
-- last of our bundles the partner said it had read.
CREATE TABLE bundle_received (
    partner     TEXT NOT NULL REFERENCES partner (site),
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    hash        TEXT NOT NULL CHECK (length(hash) = 64),
    created_at  TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    audit_seq   INTEGER NOT NULL,
    audit_hash  TEXT NOT NULL,
    counts      TEXT NOT NULL CHECK (json_valid(counts)),
    acked_seq   INTEGER,
    warning     TEXT,
    PRIMARY KEY (partner, seq)
) STRICT;
