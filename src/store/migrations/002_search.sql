-- Migration to schema version 2: full-text search of client names and notes.
-- The statements below are the "Search" section of schema.sql verbatim (a test
-- checks that a migrated journal has the same schema as a fresh one), then the
-- indexes are filled from the rows already in the journal.

----------------------------------------------------------------------------
-- Search (added in schema version 2)
----------------------------------------------------------------------------

-- Client names for instant search; prefix queries ('ande*') use the prefix
-- indexes. Kept in step with client by triggers.
CREATE VIRTUAL TABLE client_fts USING fts5 (
    name,
    content = 'client',
    content_rowid = 'rid',
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '1 2 3'
);
CREATE TRIGGER client_fts_insert AFTER INSERT ON client BEGIN
    INSERT INTO client_fts (rowid, name) VALUES (NEW.rid, NEW.name);
END;
CREATE TRIGGER client_fts_update AFTER UPDATE OF name ON client BEGIN
    INSERT INTO client_fts (client_fts, rowid, name) VALUES ('delete', OLD.rid, OLD.name);
    INSERT INTO client_fts (rowid, name) VALUES (NEW.rid, NEW.name);
END;
CREATE TRIGGER client_fts_delete AFTER DELETE ON client BEGIN
    INSERT INTO client_fts (client_fts, rowid, name) VALUES ('delete', OLD.rid, OLD.name);
END;

-- Full-text search of journal notes.
CREATE VIRTUAL TABLE note_fts USING fts5 (
    text,
    content = 'note',
    content_rowid = 'rid',
    tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER note_fts_insert AFTER INSERT ON note BEGIN
    INSERT INTO note_fts (rowid, text) VALUES (NEW.rid, NEW.text);
END;
CREATE TRIGGER note_fts_delete AFTER DELETE ON note BEGIN
    INSERT INTO note_fts (note_fts, rowid, text) VALUES ('delete', OLD.rid, OLD.text);
END;

INSERT INTO client_fts (client_fts) VALUES ('rebuild');
INSERT INTO note_fts (note_fts) VALUES ('rebuild');
