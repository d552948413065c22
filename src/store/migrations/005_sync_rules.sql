-- Migration to schema version 5: sync rules. The first section is the
-- "Sync: retention" section of schema.sql verbatim; the second rebuilds four
-- tables into the shape schema.sql gives them since version 5 (no UNIQUE key,
-- a plain *_key index). A test checks that a migrated journal has the same
-- schema as a fresh one.

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

----------------------------------------------------------------------------
-- Sync: unique keys (added in schema version 5; docs/sync.md)
----------------------------------------------------------------------------

-- Two sites can each record the same child link, group attendance, review
-- item or monthly settlement without knowing of the other: a unique key
-- would refuse the second row and the merge would differ by arrival order.
-- The keys stay rules of local work (Writer::insert refuses a duplicate,
-- sync::tables::unique_keys); rows made apart that break one are both kept
-- and listed by Journal::duplicates. SQLite cannot drop a table constraint,
-- so each table is made again without it (settlement_line with settlement,
-- which it refers to).

CREATE TEMP TABLE sync_keep_child_link AS SELECT * FROM child_link;
DROP TABLE child_link;
CREATE TABLE child_link (
    id          TEXT PRIMARY KEY CHECK (length(id) = 36),
    child_id    TEXT NOT NULL REFERENCES child (id),
    client_id   TEXT NOT NULL REFERENCES client (id),
    relation    TEXT NOT NULL REFERENCES code_child_relation (code),
    custody     TEXT NOT NULL REFERENCES code_custody (code),
    residence   TEXT NOT NULL REFERENCES code_residence (code),
    visitation  TEXT,
    origin_site TEXT NOT NULL,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    changed_by  TEXT NOT NULL
) STRICT;
INSERT INTO child_link SELECT * FROM temp.sync_keep_child_link;
DROP TABLE temp.sync_keep_child_link;
CREATE INDEX child_link_client ON child_link (client_id);
CREATE INDEX child_link_relation ON child_link (relation);
CREATE INDEX child_link_custody ON child_link (custody);
CREATE INDEX child_link_residence ON child_link (residence);
CREATE INDEX child_link_key ON child_link (child_id, client_id);

CREATE TEMP TABLE sync_keep_group_attendance AS SELECT * FROM group_attendance;
DROP TABLE group_attendance;
CREATE TABLE group_attendance (
    id          TEXT PRIMARY KEY CHECK (length(id) = 36),
    member_id   TEXT NOT NULL REFERENCES group_member (id),
    met_on      TEXT NOT NULL CHECK (met_on IS date(met_on)),
    attendance  TEXT NOT NULL REFERENCES code_attendance (code),
    origin_site TEXT NOT NULL,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    changed_by  TEXT NOT NULL
) STRICT;
INSERT INTO group_attendance SELECT * FROM temp.sync_keep_group_attendance;
DROP TABLE temp.sync_keep_group_attendance;
CREATE INDEX group_attendance_attendance ON group_attendance (attendance);
CREATE INDEX group_attendance_key ON group_attendance (member_id, met_on);

CREATE TEMP TABLE sync_keep_case_review_item AS SELECT * FROM case_review_item;
DROP TABLE case_review_item;
CREATE TABLE case_review_item (
    id          TEXT PRIMARY KEY CHECK (length(id) = 36),
    review_id   TEXT NOT NULL REFERENCES case_review (id),
    client_id   TEXT NOT NULL REFERENCES client (id),
    child_id    TEXT NOT NULL REFERENCES child (id),
    answers     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(answers) AND json_type(answers) = 'object'),
    decision    TEXT NOT NULL CHECK (decision <> ''),
    responsible TEXT REFERENCES staff (id),
    origin_site TEXT NOT NULL,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    changed_by  TEXT NOT NULL
) STRICT;
INSERT INTO case_review_item SELECT * FROM temp.sync_keep_case_review_item;
DROP TABLE temp.sync_keep_case_review_item;
CREATE INDEX case_review_item_client ON case_review_item (client_id);
CREATE INDEX case_review_item_child ON case_review_item (child_id);
CREATE INDEX case_review_item_responsible ON case_review_item (responsible);
CREATE INDEX case_review_item_key ON case_review_item (review_id, client_id, child_id);
CREATE TRIGGER case_review_item_questions BEFORE INSERT ON case_review_item
WHEN EXISTS (SELECT 1 FROM json_each(NEW.answers) j WHERE j.key NOT IN (SELECT code FROM code_review_question))
BEGIN SELECT RAISE(ABORT, 'unknown review question'); END;

CREATE TEMP TABLE sync_keep_settlement AS SELECT * FROM settlement;
CREATE TEMP TABLE sync_keep_settlement_line AS SELECT * FROM settlement_line;
DROP TABLE settlement_line;
DROP TABLE settlement;
CREATE TABLE settlement (
    id          TEXT PRIMARY KEY CHECK (length(id) = 36),
    payer       TEXT NOT NULL REFERENCES municipality (code),
    provider    TEXT NOT NULL REFERENCES municipality (code),
    period      TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    made_on     TEXT NOT NULL CHECK (made_on IS date(made_on)),
    total       TEXT NOT NULL CHECK (total GLOB '[0-9]*.[0-9][0-9]' AND total NOT GLOB '*[^0-9.]*'),
    origin_site TEXT NOT NULL,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    changed_by  TEXT NOT NULL
) STRICT;
INSERT INTO settlement SELECT * FROM temp.sync_keep_settlement;
DROP TABLE temp.sync_keep_settlement;
CREATE INDEX settlement_provider ON settlement (provider, period);
CREATE INDEX settlement_key ON settlement (payer, provider, period);
CREATE TABLE settlement_line (
    id            TEXT PRIMARY KEY CHECK (length(id) = 36),
    settlement_id TEXT NOT NULL REFERENCES settlement (id),
    client_id     TEXT NOT NULL REFERENCES client (id),
    course_id     TEXT NOT NULL REFERENCES course (id),
    price_id      TEXT NOT NULL REFERENCES agreement_price (id),
    days          INTEGER NOT NULL CHECK (days >= 0),
    amount        TEXT NOT NULL CHECK (amount GLOB '[0-9]*.[0-9][0-9]' AND amount NOT GLOB '*[^0-9.]*'),
    origin_site   TEXT NOT NULL,
    version       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    changed_by    TEXT NOT NULL
) STRICT;
INSERT INTO settlement_line SELECT * FROM temp.sync_keep_settlement_line;
DROP TABLE temp.sync_keep_settlement_line;
CREATE INDEX settlement_line_settlement ON settlement_line (settlement_id);
CREATE INDEX settlement_line_client ON settlement_line (client_id);
CREATE INDEX settlement_line_course ON settlement_line (course_id);
CREATE INDEX settlement_line_price ON settlement_line (price_id);
