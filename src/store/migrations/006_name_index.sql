-- Migration to schema version 6: the name index of the client search. The
-- statements up to "Existing rows" are the "Name index" section of schema.sql
-- verbatim (a test checks that a migrated journal has the same schema as a
-- fresh one).

----------------------------------------------------------------------------
-- Name index (added in schema version 6)
----------------------------------------------------------------------------

-- Every word of every client's name (src/store/names.rs: split at what is
-- not a letter or digit, lower-cased), with the name and id in the client
-- list's order, so a search reads one screenful of each matching word in
-- list order instead of finding and sorting every match. Derived from
-- client by these triggers; tovholder_name_words is a function each of the
-- program's connections registers.
CREATE TABLE client_word (
    word TEXT NOT NULL,
    name TEXT NOT NULL COLLATE NOCASE,
    id   TEXT NOT NULL,
    PRIMARY KEY (word, name, id)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER client_word_insert AFTER INSERT ON client BEGIN
    INSERT OR IGNORE INTO client_word (word, name, id)
        SELECT value, NEW.name, NEW.id FROM json_each(tovholder_name_words(NEW.name));
END;
CREATE TRIGGER client_word_update AFTER UPDATE OF id, name ON client BEGIN
    DELETE FROM client_word WHERE word IN (SELECT value FROM json_each(tovholder_name_words(OLD.name)))
        AND name = OLD.name AND id = OLD.id;
    INSERT OR IGNORE INTO client_word (word, name, id)
        SELECT value, NEW.name, NEW.id FROM json_each(tovholder_name_words(NEW.name));
END;
CREATE TRIGGER client_word_delete AFTER DELETE ON client BEGIN
    DELETE FROM client_word WHERE word IN (SELECT value FROM json_each(tovholder_name_words(OLD.name)))
        AND name = OLD.name AND id = OLD.id;
END;

-- Existing rows.
INSERT OR IGNORE INTO client_word (word, name, id)
    SELECT w.value, c.name, c.id FROM client c, json_each(tovholder_name_words(c.name)) w;
