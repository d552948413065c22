-- Tovholder journal schema: the single source of truth.
--
-- A fresh journal is made by running this file; an older journal is brought
-- here by the forward-only migrations in src/store/migrations/, and a test
-- checks that both roads end in the same schema. The schema version lives in
-- PRAGMA user_version and is set by the program, not by this file.
--
-- Conventions (ARCHITECTURE.md, "Journal schema"):
--   * ids are UUID text made on the site that created the row;
--   * every table that travels between sites carries the sync metadata
--     origin_site, version (hybrid logical clock of the last change),
--     created_at/created_by and changed_at/changed_by, stamped by the one
--     write path in src/store/write.rs;
--   * dates are ISO-8601 'YYYY-MM-DD' text, instants are RFC 3339 UTC text;
--   * money is fixed-scale decimal text ('1234.50'), never a float;
--   * code lists are tables (code_*) with Danish labels, referenced by
--     foreign key, so a national register's new code is a row, not a release.

----------------------------------------------------------------------------
-- Code lists
----------------------------------------------------------------------------

CREATE TABLE code_list (
    name  TEXT PRIMARY KEY,
    label TEXT NOT NULL
) STRICT;

CREATE TABLE code_unit_kind (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
CREATE TABLE code_role (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
CREATE TABLE code_referral_source (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
CREATE TABLE code_referral_door (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
CREATE TABLE code_referral_outcome (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
CREATE TABLE code_end_reason (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
CREATE TABLE code_income_source (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
CREATE TABLE code_children_situation (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
CREATE TABLE code_side_abuse (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
CREATE TABLE code_housing (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
-- nab = 1 when courses of this kind are reported to the national register.
CREATE TABLE code_course_kind (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)), nab INTEGER NOT NULL DEFAULT 0 CHECK (nab IN (0, 1))) STRICT;
CREATE TABLE code_course_setting (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
CREATE TABLE code_course_status (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
CREATE TABLE code_treatment_element (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
CREATE TABLE code_medication (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
CREATE TABLE code_session_kind (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
CREATE TABLE code_attendance (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
CREATE TABLE code_child_relation (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
CREATE TABLE code_custody (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
CREATE TABLE code_residence (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
CREATE TABLE code_concern (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
CREATE TABLE code_network_role (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
CREATE TABLE code_consent_scope (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
CREATE TABLE code_group_kind (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;
CREATE TABLE code_review_question (code TEXT PRIMARY KEY, label TEXT NOT NULL, sort INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))) STRICT;

INSERT INTO code_list (name, label) VALUES
    ('unit_kind', 'Enhedstype'),
    ('role', 'Rolle'),
    ('referral_source', 'Henvisende instans'),
    ('referral_door', 'Indgang'),
    ('referral_outcome', 'Udfald af henvendelse'),
    ('end_reason', 'Afslutningsårsag'),
    ('income_source', 'Hovedindtægtskilde'),
    ('children_situation', 'Børn'),
    ('side_abuse', 'Sidemisbrug'),
    ('housing', 'Boligforhold'),
    ('course_kind', 'Forløbstype'),
    ('course_setting', 'Behandlingsform'),
    ('course_status', 'Status'),
    ('treatment_element', 'Behandlingselement'),
    ('medication', 'Medicin'),
    ('session_kind', 'Samtaletype'),
    ('attendance', 'Fremmøde'),
    ('child_relation', 'Relation til barnet'),
    ('custody', 'Forældremyndighed'),
    ('residence', 'Barnets bopæl'),
    ('concern', 'Bekymring'),
    ('network_role', 'Netværksperson'),
    ('consent_scope', 'Samtykke'),
    ('group_kind', 'Gruppe'),
    ('review_question', 'Spørgsmål ved sagsmøde');

INSERT INTO code_unit_kind (code, label, sort) VALUES
    ('alcohol', 'Alkoholbehandling / rusmiddelcenter', 1),
    ('family', 'Familieafdeling', 2);

INSERT INTO code_role (code, label, sort) VALUES
    ('leader', 'Leder', 1),
    ('alcohol_consultant', 'Alkoholbehandler', 2),
    ('family_consultant', 'Familiekonsulent', 3),
    ('doctor', 'Læge', 4),
    ('secretary', 'Sekretær', 5),
    ('administrator', 'Administrator', 6);

INSERT INTO code_referral_source (code, label, sort) VALUES
    ('self', 'Egen henvendelse', 1),
    ('relative', 'Pårørende', 2),
    ('gp', 'Praktiserende læge', 3),
    ('hospital', 'Sygehus', 4),
    ('job_centre', 'Jobcenter', 5),
    ('family_department', 'Familieafdeling / familierådgivning', 6),
    ('school', 'Skole / dagtilbud / SFO', 7),
    ('health_visitor', 'Sundhedspleje', 8),
    ('police', 'Politi / PSP-samarbejde', 9),
    ('probation', 'Kriminalforsorgen (KiF)', 10),
    ('support_contact', 'Støttekontaktperson / mentor (SEL §85/§99)', 11),
    ('other_municipality', 'Anden kommune', 12),
    ('other', 'Andet', 13);

INSERT INTO code_referral_door (code, label, sort) VALUES
    ('alcohol_unit', 'Alkoholbehandlingen', 1),
    ('family_department', 'Familieafdelingen', 2);

INSERT INTO code_referral_outcome (code, label, sort) VALUES
    ('pending', 'Afventer', 1),
    ('enrolled', 'Indskrevet', 2),
    ('declined', 'Ønsker ikke behandling', 3),
    ('referred_elsewhere', 'Henvist til andet tilbud', 4),
    ('no_show', 'Udeblevet', 5);

INSERT INTO code_end_reason (code, label, sort) VALUES
    ('completed', 'Færdigbehandlet', 1),
    ('own_wish', 'Afsluttet efter eget ønske', 2),
    ('no_show', 'Udeblevet', 3),
    ('died', 'Død', 4),
    ('moved', 'Fraflyttet', 5),
    ('other_institution', 'Udskrevet til anden institution', 6),
    ('own_gp', 'Udskrevet til egen læge', 7),
    ('hospital', 'Udskrevet til hospital', 8),
    ('other', 'Andet', 9);

INSERT INTO code_income_source (code, label, sort) VALUES
    ('wages', 'Lønindkomst', 1),
    ('disability_pension', 'Førtidspension', 2),
    ('unemployment_benefit', 'Dagpenge', 3),
    ('activation', 'Aktivering / løntilskud', 4),
    ('sickness_benefit', 'Sygedagpenge', 5),
    ('social_assistance', 'Kontanthjælp', 6),
    ('supported', 'Forsørget af familie / venner', 7),
    ('other', 'Andet', 8);

INSERT INTO code_children_situation (code, label, sort) VALUES
    ('home_under_18', 'Hjemmeboende børn under 18', 1),
    ('over_18', 'Børn over 18', 2),
    ('placed', 'Anbragte børn', 3),
    ('visitation', 'Samvær uden at bo sammen', 4),
    ('no_contact', 'Ingen kontakt', 5),
    ('not_stated', 'Ønsker ikke at oplyse', 6),
    ('none', 'Ingen børn', 7);

INSERT INTO code_side_abuse (code, label, sort) VALUES
    ('none', 'Intet', 1),
    ('cannabis', 'Hash / cannabis', 2),
    ('amphetamine', 'Amfetamin', 3),
    ('cocaine', 'Kokain', 4),
    ('opiates', 'Opiater', 5),
    ('benzodiazepines', 'Benzodiazepiner', 6),
    ('solvents', 'Opløsningsmidler', 7),
    ('other', 'Andet', 8);

INSERT INTO code_housing (code, label, sort) VALUES
    ('own_home', 'Egen bolig', 1),
    ('with_family', 'Bor hos familie / venner', 2),
    ('institution', 'Institution / forsorgshjem', 3),
    ('homeless', 'Hjemløs', 4),
    ('other', 'Andet', 5);

INSERT INTO code_course_kind (code, label, sort, nab) VALUES
    ('alcohol', 'Alkoholbehandling (Sundhedsloven §141)', 1, 1),
    ('drug', 'Stofbehandling (SEL §101)', 2, 0),
    ('relative', 'Pårørendeforløb', 3, 0),
    ('family', 'Familieforløb', 4, 0),
    ('adult_children', 'Voksne børn af alkoholikere (VBA)', 5, 0),
    ('short', 'Kort motiverende forløb / information', 6, 0);

INSERT INTO code_course_setting (code, label, sort) VALUES
    ('ambulant', 'Ambulant', 1),
    ('day', 'Dag', 2),
    ('residential', 'Døgn', 3);

INSERT INTO code_course_status (code, label, sort) VALUES
    ('waiting', 'Venter', 1),
    ('active', 'I behandling', 2),
    ('follow_up', 'Efterbehandling', 3),
    ('closed', 'Afsluttet', 4);

INSERT INTO code_treatment_element (code, label, sort) VALUES
    ('assessment', 'Udredning', 1),
    ('motivation', 'Motivationsforløb', 2),
    ('stabilising', 'Stabiliserende behandling', 3),
    ('ambulant_individual', 'Ambulant individuel', 4),
    ('group', 'Gruppebehandling', 5),
    ('relapse_prevention', 'Tilbagefaldsforebyggelse', 6),
    ('mobile', 'Mobilindsats', 7),
    ('aftercare', 'Efterbehandling', 8),
    ('nada', 'NADA', 9),
    ('mindfulness', 'Mindfulness-gruppe', 10),
    ('couple_relative', 'Par- og pårørendesamtaler', 11),
    ('family_sessions', 'Familiesamtaler', 12),
    ('child_sessions', 'Børnesamtaler', 13),
    ('child_group', 'Børne- / ungegruppe', 14),
    ('network', 'Netværksmøde / netværksdag', 15),
    ('ambulant_detox', 'Ambulant afrusning', 16),
    ('doctor', 'Lægesamtale', 17);

INSERT INTO code_medication (code, label, sort) VALUES
    ('antabus', 'Antabus', 1),
    ('campral', 'Campral', 2),
    ('risolid', 'Risolid', 3),
    ('thiamine', 'Tiamin / B-combin', 4),
    ('other', 'Andet', 5);

INSERT INTO code_session_kind (code, label, sort) VALUES
    ('individual', 'Individuel', 1),
    ('couple', 'Par', 2),
    ('family', 'Familie', 3),
    ('joint', 'Fællessamtale (alkohol- og familiekonsulent)', 4),
    ('relative', 'Pårørende', 5),
    ('child', 'Barn', 6),
    ('group', 'Gruppe', 7),
    ('network', 'Netværksmøde', 8),
    ('doctor', 'Lægesamtale', 9),
    ('phone', 'Telefon', 10),
    ('home_visit', 'Hjemmebesøg', 11);

INSERT INTO code_attendance (code, label, sort) VALUES
    ('attended', 'Fremmødt', 1),
    ('no_show', 'Udeblevet', 2),
    ('cancelled_by_client', 'Aflyst af borger', 3),
    ('cancelled_by_unit', 'Aflyst af enheden', 4);

INSERT INTO code_child_relation (code, label, sort) VALUES
    ('own', 'Eget barn', 1),
    ('partners', 'Partners barn', 2),
    ('other', 'Andet', 3);

INSERT INTO code_custody (code, label, sort) VALUES
    ('joint', 'Fælles', 1),
    ('client_alone', 'Hos klienten alene', 2),
    ('other_parent', 'Hos den anden forælder', 3),
    ('other', 'Anden / anbragt', 4);

INSERT INTO code_residence (code, label, sort) VALUES
    ('with_client', 'Bor hos klienten', 1),
    ('visitation', 'Samvær', 2),
    ('other_parent', 'Bor hos den anden forælder', 3),
    ('placed', 'Anbragt', 4),
    ('adult', 'Voksen / flyttet hjemmefra', 5);

INSERT INTO code_concern (code, label, sort) VALUES
    ('none', 'Ingen bekymring', 1),
    ('some', 'Nogen bekymring', 2),
    ('considerable', 'Betydelig bekymring', 3),
    ('serious', 'Alvorlig bekymring', 4);

INSERT INTO code_network_role (code, label, sort) VALUES
    ('teacher', 'Lærer', 1),
    ('pedagogue', 'Pædagog', 2),
    ('grandparent', 'Bedsteforælder', 3),
    ('health_visitor', 'Sundhedsplejerske', 4),
    ('other_adult', 'Anden voksen', 5);

INSERT INTO code_consent_scope (code, label, sort) VALUES
    ('family_department', 'Udveksling med familieafdelingen', 1),
    ('partner_municipality', 'Udveksling med samarbejdskommunen', 2),
    ('gp', 'Udveksling med egen læge', 3),
    ('school', 'Udveksling med skole / dagtilbud', 4),
    ('other', 'Andet', 5);

INSERT INTO code_group_kind (code, label, sort) VALUES
    ('children', 'Børnegruppe (6-13 år)', 1),
    ('youth', 'Ungegruppe', 2),
    ('relatives', 'Pårørendegruppe', 3),
    ('relapse_prevention', 'Tilbagefaldsforebyggelse', 4),
    ('mindfulness', 'Mindfulness', 5);

INSERT INTO code_review_question (code, label, sort) VALUES
    ('parents', 'Forældre', 1),
    ('custody_holder', 'Forældremyndighedsindehaver', 2),
    ('child_name_age', 'Barnets navn og alder', 3),
    ('child_residence', 'Barnets bopæl', 4),
    ('visitation', 'Samvær, hvor ofte og hvordan', 5),
    ('other_measures', 'Er der iværksat andre foranstaltninger for barnet', 6),
    ('concerned', 'Er du bekymret for barnet', 7),
    ('cooperation', 'Samarbejde med familierådgivningen eller handicaprådgivningen', 8),
    ('family_perspective', 'Er der talt børnefamilieperspektiv med forældrene', 9),
    ('involve_us', 'Er det relevant, at vi inddrages', 10);

----------------------------------------------------------------------------
-- This installation
----------------------------------------------------------------------------

-- Local settings of this journal file (its own site id, the hybrid clock).
-- Never exchanged.
CREATE TABLE journal_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

----------------------------------------------------------------------------
-- Organisation
----------------------------------------------------------------------------

-- Kommuner, by their official four-digit code (Faxe 0320, Stevns 0336).
CREATE TABLE municipality (
    code TEXT PRIMARY KEY CHECK (length(code) = 4 AND code GLOB '[0-9][0-9][0-9][0-9]'),
    name TEXT NOT NULL CHECK (name <> '')
) STRICT;

INSERT INTO municipality (code, name) VALUES
    ('0320', 'Faxe'),
    ('0336', 'Stevns'),
    ('0259', 'Køge'),
    ('0329', 'Ringsted'),
    ('0370', 'Næstved'),
    ('0376', 'Guldborgsund'),
    ('0390', 'Vordingborg');

CREATE TABLE unit (
    id           TEXT PRIMARY KEY CHECK (length(id) = 36),
    municipality TEXT NOT NULL REFERENCES municipality (code),
    kind         TEXT NOT NULL REFERENCES code_unit_kind (code),
    name         TEXT NOT NULL CHECK (name <> ''),
    origin_site  TEXT NOT NULL,
    version      INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    changed_at   TEXT NOT NULL,
    changed_by   TEXT NOT NULL
) STRICT;
CREATE INDEX unit_municipality ON unit (municipality);
CREATE INDEX unit_kind ON unit (kind);

-- One installation of Tovholder. The keys arrive with the sync issue.
CREATE TABLE site (
    id         TEXT PRIMARY KEY CHECK (length(id) = 36),
    name       TEXT NOT NULL CHECK (name <> ''),
    unit_id    TEXT NOT NULL REFERENCES unit (id),
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX site_unit ON site (unit_id);

-- Staff of either unit: the users of this site and the partner's staff who
-- appear in joint sessions. Log-in secrets are kept elsewhere, never here.
CREATE TABLE staff (
    id          TEXT PRIMARY KEY CHECK (length(id) = 36),
    unit_id     TEXT NOT NULL REFERENCES unit (id),
    name        TEXT NOT NULL CHECK (name <> ''),
    initials    TEXT NOT NULL CHECK (length(initials) BETWEEN 2 AND 8),
    role        TEXT NOT NULL REFERENCES code_role (code),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    origin_site TEXT NOT NULL,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    changed_by  TEXT NOT NULL,
    UNIQUE (unit_id, initials)
) STRICT;
CREATE INDEX staff_unit ON staff (unit_id);
CREATE INDEX staff_role ON staff (role);
CREATE INDEX staff_initials ON staff (initials);

----------------------------------------------------------------------------
-- People
----------------------------------------------------------------------------

-- A client (borger). The CPR number is an attribute, never the key: it may be
-- missing (anonymous treatment, Sundhedsloven §141), replaced or a substitute.
CREATE TABLE client (
    -- rid is local (never exchanged): a stable integer key for the search
    -- index, which VACUUM would otherwise be free to renumber.
    rid          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE CHECK (length(id) = 36),
    name         TEXT NOT NULL CHECK (name <> ''),
    cpr          TEXT CHECK (cpr IS NULL OR length(cpr) = 10),
    anonymous    INTEGER NOT NULL DEFAULT 0 CHECK (anonymous IN (0, 1)),
    birth_date   TEXT CHECK (birth_date IS NULL OR birth_date IS date(birth_date)),
    sex          TEXT CHECK (sex IS NULL OR sex IN ('M', 'K')),
    municipality TEXT NOT NULL REFERENCES municipality (code),
    address      TEXT,
    phone        TEXT,
    email        TEXT,
    origin_site  TEXT NOT NULL,
    version      INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    changed_at   TEXT NOT NULL,
    changed_by   TEXT NOT NULL,
    CHECK (anonymous = 0 OR cpr IS NULL)
) STRICT;
CREATE INDEX client_cpr ON client (cpr) WHERE cpr IS NOT NULL;
CREATE INDEX client_name ON client (name COLLATE NOCASE);
CREATE INDEX client_municipality ON client (municipality);

CREATE TABLE child (
    id                TEXT PRIMARY KEY CHECK (length(id) = 36),
    name              TEXT NOT NULL CHECK (name <> ''),
    birth_date        TEXT NOT NULL CHECK (birth_date IS date(birth_date)),
    cpr               TEXT CHECK (cpr IS NULL OR length(cpr) = 10),
    sex               TEXT CHECK (sex IS NULL OR sex IN ('M', 'K')),
    family_case       INTEGER NOT NULL DEFAULT 0 CHECK (family_case IN (0, 1)),
    caseworker        TEXT,
    caseworker_unit   TEXT REFERENCES unit (id),
    concern           TEXT NOT NULL DEFAULT 'none' REFERENCES code_concern (code),
    other_measures    TEXT,
    -- The day the child was registered with the family questions; the child
    -- was under 18 then.
    registered_on     TEXT NOT NULL CHECK (registered_on IS date(registered_on)),
    origin_site       TEXT NOT NULL,
    version           INTEGER NOT NULL,
    created_at        TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    changed_at        TEXT NOT NULL,
    changed_by        TEXT NOT NULL
) STRICT;
CREATE INDEX child_cpr ON child (cpr) WHERE cpr IS NOT NULL;
CREATE INDEX child_caseworker_unit ON child (caseworker_unit);
CREATE INDEX child_concern ON child (concern);
CREATE INDEX child_birth_date ON child (birth_date);

-- A child's link to one adult client: the family questions of seed 004 §7.1.
-- Keys of local work (since schema version 5; docs/sync.md): two sites can
-- each record the same child link, group attendance, review item or monthly
-- settlement without knowing of the other, and a UNIQUE constraint would
-- refuse the second row so the merge would differ by arrival order. So those
-- keys are plain *_key indexes here: Writer::insert refuses a local duplicate
-- (sync::tables::unique_keys); rows made apart are both kept and listed by
-- Journal::duplicates. Migration 005 rebuilt the tables of older journals.
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
CREATE INDEX child_link_client ON child_link (client_id);
CREATE INDEX child_link_relation ON child_link (relation);
CREATE INDEX child_link_custody ON child_link (custody);
CREATE INDEX child_link_residence ON child_link (residence);
CREATE INDEX child_link_key ON child_link (child_id, client_id);

-- Teacher, pedagogue, grandparent: the adults around a child.
CREATE TABLE network_person (
    id          TEXT PRIMARY KEY CHECK (length(id) = 36),
    child_id    TEXT NOT NULL REFERENCES child (id),
    role        TEXT NOT NULL REFERENCES code_network_role (code),
    name        TEXT NOT NULL CHECK (name <> ''),
    contact     TEXT,
    origin_site TEXT NOT NULL,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    changed_by  TEXT NOT NULL
) STRICT;
CREATE INDEX network_person_child ON network_person (child_id);
CREATE INDEX network_person_role ON network_person (role);

-- A child's emergency plan (nødplan). Versioned: a new plan is a new row with
-- the next revision number, earlier ones stay readable.
CREATE TABLE emergency_plan (
    id             TEXT PRIMARY KEY CHECK (length(id) = 36),
    child_id       TEXT NOT NULL REFERENCES child (id),
    revision       INTEGER NOT NULL CHECK (revision >= 1),
    made_on        TEXT NOT NULL CHECK (made_on IS date(made_on)),
    trusted_adults TEXT NOT NULL CHECK (trusted_adults <> ''),
    plan           TEXT NOT NULL CHECK (plan <> ''),
    origin_site    TEXT NOT NULL,
    version        INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    changed_at     TEXT NOT NULL,
    changed_by     TEXT NOT NULL
) STRICT;
CREATE INDEX emergency_plan_child ON emergency_plan (child_id, revision);

----------------------------------------------------------------------------
-- Referral and course
----------------------------------------------------------------------------

CREATE TABLE referral (
    id           TEXT PRIMARY KEY CHECK (length(id) = 36),
    client_id    TEXT NOT NULL REFERENCES client (id),
    received_on  TEXT NOT NULL CHECK (received_on IS date(received_on)),
    source       TEXT NOT NULL REFERENCES code_referral_source (code),
    referrer     TEXT,
    reason       TEXT,
    door         TEXT NOT NULL REFERENCES code_referral_door (code),
    unit_id      TEXT NOT NULL REFERENCES unit (id),
    info_talk_on TEXT CHECK (info_talk_on IS NULL OR (info_talk_on IS date(info_talk_on) AND info_talk_on >= received_on)),
    outcome      TEXT NOT NULL DEFAULT 'pending' REFERENCES code_referral_outcome (code),
    origin_site  TEXT NOT NULL,
    version      INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    changed_at   TEXT NOT NULL,
    changed_by   TEXT NOT NULL
) STRICT;
CREATE INDEX referral_client ON referral (client_id, received_on);
CREATE INDEX referral_source ON referral (source);
CREATE INDEX referral_door ON referral (door);
CREATE INDEX referral_unit ON referral (unit_id, received_on);
CREATE INDEX referral_outcome ON referral (outcome, received_on);

-- One treatment course of one client. Closed exactly when it has an end date
-- and an end reason; a client has at most one open course of each kind.
CREATE TABLE course (
    id                  TEXT PRIMARY KEY CHECK (length(id) = 36),
    client_id           TEXT NOT NULL REFERENCES client (id),
    referral_id         TEXT REFERENCES referral (id),
    unit_id             TEXT NOT NULL REFERENCES unit (id),
    kind                TEXT NOT NULL REFERENCES code_course_kind (code),
    setting             TEXT NOT NULL REFERENCES code_course_setting (code),
    status              TEXT NOT NULL REFERENCES code_course_status (code),
    enrolled_on         TEXT NOT NULL CHECK (enrolled_on IS date(enrolled_on)),
    start_on            TEXT CHECK (start_on IS NULL OR start_on IS date(start_on)),
    follow_up_from      TEXT CHECK (follow_up_from IS NULL OR follow_up_from IS date(follow_up_from)),
    end_on              TEXT CHECK (end_on IS NULL OR end_on IS date(end_on)),
    end_reason          TEXT REFERENCES code_end_reason (code),
    case_owner          TEXT NOT NULL REFERENCES staff (id),
    paying_municipality TEXT NOT NULL REFERENCES municipality (code),
    origin_site         TEXT NOT NULL,
    version             INTEGER NOT NULL,
    created_at          TEXT NOT NULL,
    created_by          TEXT NOT NULL,
    changed_at          TEXT NOT NULL,
    changed_by          TEXT NOT NULL,
    CHECK ((end_on IS NULL) = (end_reason IS NULL)),
    CHECK ((status = 'closed') = (end_on IS NOT NULL)),
    CHECK (status <> 'waiting' OR start_on IS NULL),
    CHECK (start_on IS NOT NULL OR status IN ('waiting', 'closed')),
    CHECK (end_on IS NULL OR end_on >= start_on),
    CHECK (start_on IS NULL OR start_on >= enrolled_on),
    CHECK (follow_up_from IS NULL OR follow_up_from >= start_on)
) STRICT;
CREATE UNIQUE INDEX course_one_open_per_kind ON course (client_id, kind) WHERE end_on IS NULL;
CREATE INDEX course_client ON course (client_id, enrolled_on);
CREATE INDEX course_referral ON course (referral_id);
CREATE INDEX course_unit_status ON course (unit_id, status);
CREATE INDEX course_kind ON course (kind, start_on);
CREATE INDEX course_setting ON course (setting);
CREATE INDEX course_end_reason ON course (end_reason, end_on);
CREATE INDEX course_case_owner ON course (case_owner, status);
CREATE INDEX course_paying ON course (paying_municipality, start_on);
CREATE INDEX course_status ON course (status);

-- Udredning. Multi-valued answers are JSON arrays of codes, checked against
-- their code lists by the triggers below.
CREATE TABLE assessment (
    id                 TEXT PRIMARY KEY CHECK (length(id) = 36),
    course_id          TEXT NOT NULL REFERENCES course (id),
    assessed_on        TEXT NOT NULL CHECK (assessed_on IS date(assessed_on)),
    audit_score        INTEGER CHECK (audit_score IS NULL OR audit_score BETWEEN 0 AND 40),
    units_per_week     INTEGER CHECK (units_per_week IS NULL OR units_per_week BETWEEN 0 AND 1000),
    side_abuse         TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(side_abuse) AND json_type(side_abuse) = 'array'),
    income_source      TEXT REFERENCES code_income_source (code),
    housing            TEXT REFERENCES code_housing (code),
    children_situation TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(children_situation) AND json_type(children_situation) = 'array'),
    pregnant           INTEGER CHECK (pregnant IS NULL OR pregnant IN (0, 1)),
    violence           INTEGER CHECK (violence IS NULL OR violence IN (0, 1)),
    psychiatric        INTEGER CHECK (psychiatric IS NULL OR psychiatric IN (0, 1)),
    remarks            TEXT,
    origin_site        TEXT NOT NULL,
    version            INTEGER NOT NULL,
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    changed_at         TEXT NOT NULL,
    changed_by         TEXT NOT NULL
) STRICT;
CREATE INDEX assessment_course ON assessment (course_id, assessed_on);
CREATE INDEX assessment_income ON assessment (income_source);
CREATE INDEX assessment_housing ON assessment (housing);

CREATE TRIGGER assessment_codes_insert BEFORE INSERT ON assessment
WHEN EXISTS (SELECT 1 FROM json_each(NEW.side_abuse) j WHERE j.value NOT IN (SELECT code FROM code_side_abuse))
  OR EXISTS (SELECT 1 FROM json_each(NEW.children_situation) j WHERE j.value NOT IN (SELECT code FROM code_children_situation))
BEGIN SELECT RAISE(ABORT, 'unknown code in assessment'); END;
CREATE TRIGGER assessment_codes_update BEFORE UPDATE ON assessment
WHEN EXISTS (SELECT 1 FROM json_each(NEW.side_abuse) j WHERE j.value NOT IN (SELECT code FROM code_side_abuse))
  OR EXISTS (SELECT 1 FROM json_each(NEW.children_situation) j WHERE j.value NOT IN (SELECT code FROM code_children_situation))
BEGIN SELECT RAISE(ABORT, 'unknown code in assessment'); END;

-- Treatment plan: every revision is a row of its own and is never changed.
CREATE TABLE plan_revision (
    id             TEXT PRIMARY KEY CHECK (length(id) = 36),
    course_id      TEXT NOT NULL REFERENCES course (id),
    revision       INTEGER NOT NULL CHECK (revision >= 1),
    made_on        TEXT NOT NULL CHECK (made_on IS date(made_on)),
    goals          TEXT NOT NULL CHECK (goals <> ''),
    elements       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(elements) AND json_type(elements) = 'array'),
    medication     TEXT,
    family_section TEXT,
    midway_on      TEXT CHECK (midway_on IS NULL OR midway_on IS date(midway_on)),
    final_on       TEXT CHECK (final_on IS NULL OR final_on IS date(final_on)),
    origin_site    TEXT NOT NULL,
    version        INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    changed_at     TEXT NOT NULL,
    changed_by     TEXT NOT NULL
) STRICT;
CREATE INDEX plan_revision_course ON plan_revision (course_id, revision);

CREATE TRIGGER plan_revision_elements BEFORE INSERT ON plan_revision
WHEN EXISTS (SELECT 1 FROM json_each(NEW.elements) j WHERE j.value NOT IN (SELECT code FROM code_treatment_element))
BEGIN SELECT RAISE(ABORT, 'unknown code in plan'); END;
CREATE TRIGGER plan_revision_append_only BEFORE UPDATE ON plan_revision
BEGIN SELECT RAISE(ABORT, 'plan revisions are never changed'); END;

-- Mid-way and final evaluation of a course (append-only).
CREATE TABLE evaluation (
    id           TEXT PRIMARY KEY CHECK (length(id) = 36),
    course_id    TEXT NOT NULL REFERENCES course (id),
    kind         TEXT NOT NULL CHECK (kind IN ('midway', 'final')),
    evaluated_on TEXT NOT NULL CHECK (evaluated_on IS date(evaluated_on)),
    text         TEXT NOT NULL CHECK (text <> ''),
    origin_site  TEXT NOT NULL,
    version      INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    changed_at   TEXT NOT NULL,
    changed_by   TEXT NOT NULL
) STRICT;
CREATE INDEX evaluation_course ON evaluation (course_id, evaluated_on);
CREATE TRIGGER evaluation_append_only BEFORE UPDATE ON evaluation
BEGIN SELECT RAISE(ABORT, 'evaluations are never changed'); END;

CREATE TABLE medication (
    id          TEXT PRIMARY KEY CHECK (length(id) = 36),
    course_id   TEXT NOT NULL REFERENCES course (id),
    drug        TEXT NOT NULL REFERENCES code_medication (code),
    dose        TEXT NOT NULL CHECK (dose <> ''),
    started_on  TEXT NOT NULL CHECK (started_on IS date(started_on)),
    started_by  TEXT NOT NULL REFERENCES staff (id),
    stopped_on  TEXT CHECK (stopped_on IS NULL OR (stopped_on IS date(stopped_on) AND stopped_on >= started_on)),
    stopped_by  TEXT REFERENCES staff (id),
    stop_reason TEXT,
    origin_site TEXT NOT NULL,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    changed_by  TEXT NOT NULL,
    CHECK ((stopped_on IS NULL) = (stopped_by IS NULL))
) STRICT;
CREATE INDEX medication_course ON medication (course_id, started_on);
CREATE INDEX medication_drug ON medication (drug);
CREATE INDEX medication_started_by ON medication (started_by);
CREATE INDEX medication_stopped_by ON medication (stopped_by);

-- An anonymous client can receive no medication from the unit.
CREATE TRIGGER medication_not_anonymous BEFORE INSERT ON medication
WHEN (SELECT cl.anonymous FROM course co JOIN client cl ON cl.id = co.client_id WHERE co.id = NEW.course_id) = 1
BEGIN SELECT RAISE(ABORT, 'medication for an anonymous client'); END;

----------------------------------------------------------------------------
-- Sessions and notes
----------------------------------------------------------------------------

-- A contact. Booked while attendance is NULL; recorded when it is set.
CREATE TABLE session (
    id           TEXT PRIMARY KEY CHECK (length(id) = 36),
    course_id    TEXT REFERENCES course (id),
    kind         TEXT NOT NULL REFERENCES code_session_kind (code),
    held_on      TEXT NOT NULL CHECK (held_on IS date(held_on)),
    start_time   TEXT CHECK (start_time IS NULL OR start_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    minutes      INTEGER CHECK (minutes IS NULL OR minutes BETWEEN 1 AND 1440),
    place        TEXT,
    attendance   TEXT REFERENCES code_attendance (code),
    origin_site  TEXT NOT NULL,
    version      INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    changed_at   TEXT NOT NULL,
    changed_by   TEXT NOT NULL
) STRICT;
CREATE INDEX session_course ON session (course_id, held_on);
CREATE INDEX session_kind ON session (kind, held_on);
CREATE INDEX session_attendance ON session (attendance);
CREATE INDEX session_held_on ON session (held_on);

-- Who took part: exactly one of a client, a child or a staff member (of
-- either unit), or an outside person by name.
CREATE TABLE session_participant (
    id            TEXT PRIMARY KEY CHECK (length(id) = 36),
    session_id    TEXT NOT NULL REFERENCES session (id),
    client_id     TEXT REFERENCES client (id),
    child_id      TEXT REFERENCES child (id),
    staff_id      TEXT REFERENCES staff (id),
    external_name TEXT,
    origin_site   TEXT NOT NULL,
    version       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    changed_by    TEXT NOT NULL,
    CHECK ((client_id IS NOT NULL) + (child_id IS NOT NULL) + (staff_id IS NOT NULL) + (external_name IS NOT NULL) = 1)
) STRICT;
CREATE INDEX session_participant_session ON session_participant (session_id);
CREATE INDEX session_participant_client ON session_participant (client_id) WHERE client_id IS NOT NULL;
CREATE INDEX session_participant_child ON session_participant (child_id) WHERE child_id IS NOT NULL;
CREATE INDEX session_participant_staff ON session_participant (staff_id) WHERE staff_id IS NOT NULL;

-- Journal notes are append-only. A correction is a new note that names the
-- note it corrects; kind 'error' marks the corrected note as made in error.
-- The original stays readable.
CREATE TABLE note (
    rid         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE CHECK (length(id) = 36),
    client_id   TEXT NOT NULL REFERENCES client (id),
    course_id   TEXT REFERENCES course (id),
    session_id  TEXT REFERENCES session (id),
    kind        TEXT NOT NULL DEFAULT 'note' CHECK (kind IN ('note', 'correction', 'error')),
    corrects    TEXT REFERENCES note (id),
    written_on  TEXT NOT NULL CHECK (written_on IS date(written_on)),
    internal    INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
    text        TEXT NOT NULL CHECK (text <> ''),
    origin_site TEXT NOT NULL,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    changed_by  TEXT NOT NULL,
    CHECK ((kind = 'note') = (corrects IS NULL))
) STRICT;
CREATE INDEX note_client ON note (client_id, written_on);
CREATE INDEX note_course ON note (course_id);
CREATE INDEX note_session ON note (session_id);
CREATE INDEX note_corrects ON note (corrects);
CREATE TRIGGER note_append_only BEFORE UPDATE ON note
BEGIN SELECT RAISE(ABORT, 'journal notes are never changed'); END;

----------------------------------------------------------------------------
-- Children's protection, consent, groups
----------------------------------------------------------------------------

-- Underretning: must never get lost between the two municipalities.
CREATE TABLE notification (
    id                 TEXT PRIMARY KEY CHECK (length(id) = 36),
    child_id           TEXT NOT NULL REFERENCES child (id),
    client_id          TEXT REFERENCES client (id),
    made_on            TEXT NOT NULL CHECK (made_on IS date(made_on)),
    made_by            TEXT NOT NULL REFERENCES staff (id),
    to_unit            TEXT REFERENCES unit (id),
    recipient          TEXT NOT NULL CHECK (recipient <> ''),
    reason             TEXT NOT NULL CHECK (reason <> ''),
    answer_received_on TEXT CHECK (answer_received_on IS NULL OR (answer_received_on IS date(answer_received_on) AND answer_received_on >= made_on)),
    answer             TEXT,
    origin_site        TEXT NOT NULL,
    version            INTEGER NOT NULL,
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    changed_at         TEXT NOT NULL,
    changed_by         TEXT NOT NULL
) STRICT;
CREATE INDEX notification_child ON notification (child_id, made_on);
CREATE INDEX notification_client ON notification (client_id);
CREATE INDEX notification_made_by ON notification (made_by);
CREATE INDEX notification_to_unit ON notification (to_unit);
CREATE INDEX notification_unanswered ON notification (made_on) WHERE answer_received_on IS NULL;

CREATE TABLE consent (
    id           TEXT PRIMARY KEY CHECK (length(id) = 36),
    client_id    TEXT NOT NULL REFERENCES client (id),
    scope        TEXT NOT NULL REFERENCES code_consent_scope (code),
    recipient    TEXT NOT NULL CHECK (recipient <> ''),
    to_unit      TEXT REFERENCES unit (id),
    given_on     TEXT NOT NULL CHECK (given_on IS date(given_on)),
    withdrawn_on TEXT CHECK (withdrawn_on IS NULL OR (withdrawn_on IS date(withdrawn_on) AND withdrawn_on >= given_on)),
    remarks      TEXT,
    origin_site  TEXT NOT NULL,
    version      INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    changed_at   TEXT NOT NULL,
    changed_by   TEXT NOT NULL
) STRICT;
CREATE INDEX consent_client ON consent (client_id, given_on);
CREATE INDEX consent_scope ON consent (scope);
CREATE INDEX consent_to_unit ON consent (to_unit);

CREATE TABLE activity_group (
    id          TEXT PRIMARY KEY CHECK (length(id) = 36),
    unit_id     TEXT NOT NULL REFERENCES unit (id),
    kind        TEXT NOT NULL REFERENCES code_group_kind (code),
    name        TEXT NOT NULL CHECK (name <> ''),
    start_on    TEXT NOT NULL CHECK (start_on IS date(start_on)),
    end_on      TEXT CHECK (end_on IS NULL OR (end_on IS date(end_on) AND end_on >= start_on)),
    origin_site TEXT NOT NULL,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    changed_by  TEXT NOT NULL
) STRICT;
CREATE INDEX activity_group_unit ON activity_group (unit_id, start_on);
CREATE INDEX activity_group_kind ON activity_group (kind);

CREATE TABLE group_member (
    id          TEXT PRIMARY KEY CHECK (length(id) = 36),
    group_id    TEXT NOT NULL REFERENCES activity_group (id),
    client_id   TEXT REFERENCES client (id),
    child_id    TEXT REFERENCES child (id),
    joined_on   TEXT NOT NULL CHECK (joined_on IS date(joined_on)),
    left_on     TEXT CHECK (left_on IS NULL OR (left_on IS date(left_on) AND left_on >= joined_on)),
    origin_site TEXT NOT NULL,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    changed_by  TEXT NOT NULL,
    CHECK ((client_id IS NOT NULL) + (child_id IS NOT NULL) = 1)
) STRICT;
CREATE INDEX group_member_group ON group_member (group_id);
CREATE INDEX group_member_client ON group_member (client_id) WHERE client_id IS NOT NULL;
CREATE INDEX group_member_child ON group_member (child_id) WHERE child_id IS NOT NULL;

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
CREATE INDEX group_attendance_attendance ON group_attendance (attendance);
CREATE INDEX group_attendance_key ON group_attendance (member_id, met_on);

----------------------------------------------------------------------------
-- Monthly case review (sagsmøde, seed 004 §7.1.1)
----------------------------------------------------------------------------

CREATE TABLE case_review (
    id          TEXT PRIMARY KEY CHECK (length(id) = 36),
    unit_id     TEXT NOT NULL REFERENCES unit (id),
    held_on     TEXT NOT NULL CHECK (held_on IS date(held_on)),
    led_by      TEXT NOT NULL REFERENCES staff (id),
    origin_site TEXT NOT NULL,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    changed_by  TEXT NOT NULL
) STRICT;
CREATE INDEX case_review_unit ON case_review (unit_id, held_on);
CREATE INDEX case_review_led_by ON case_review (led_by);

-- One child of one client at one review: the answers to the fixed questions
-- (a JSON object keyed by code_review_question) and the decision taken.
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
CREATE INDEX case_review_item_client ON case_review_item (client_id);
CREATE INDEX case_review_item_child ON case_review_item (child_id);
CREATE INDEX case_review_item_responsible ON case_review_item (responsible);
CREATE INDEX case_review_item_key ON case_review_item (review_id, client_id, child_id);
CREATE TRIGGER case_review_item_questions BEFORE INSERT ON case_review_item
WHEN EXISTS (SELECT 1 FROM json_each(NEW.answers) j WHERE j.key NOT IN (SELECT code FROM code_review_question))
BEGIN SELECT RAISE(ABORT, 'unknown review question'); END;

----------------------------------------------------------------------------
-- Agreement and settlement (Faxe treats Stevns citizens against payment)
----------------------------------------------------------------------------

CREATE TABLE agreement_price (
    id          TEXT PRIMARY KEY CHECK (length(id) = 36),
    payer       TEXT NOT NULL REFERENCES municipality (code),
    provider    TEXT NOT NULL REFERENCES municipality (code),
    course_kind TEXT NOT NULL REFERENCES code_course_kind (code),
    setting     TEXT NOT NULL REFERENCES code_course_setting (code),
    per         TEXT NOT NULL CHECK (per IN ('day', 'month', 'course')),
    amount      TEXT NOT NULL CHECK (amount GLOB '[0-9]*.[0-9][0-9]' AND amount NOT GLOB '*[^0-9.]*'),
    valid_from  TEXT NOT NULL CHECK (valid_from IS date(valid_from)),
    valid_to    TEXT CHECK (valid_to IS NULL OR (valid_to IS date(valid_to) AND valid_to >= valid_from)),
    origin_site TEXT NOT NULL,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    changed_by  TEXT NOT NULL
) STRICT;
CREATE INDEX agreement_price_lookup ON agreement_price (payer, course_kind, setting, valid_from);
CREATE INDEX agreement_price_provider ON agreement_price (provider);

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
CREATE INDEX settlement_line_settlement ON settlement_line (settlement_id);
CREATE INDEX settlement_line_client ON settlement_line (client_id);
CREATE INDEX settlement_line_course ON settlement_line (course_id);
CREATE INDEX settlement_line_price ON settlement_line (price_id);

----------------------------------------------------------------------------
-- Audit log: local, append-only, hash-chained
----------------------------------------------------------------------------

-- Who read or changed which person's record, when, where and why. Each entry's
-- hash covers its fields and the previous entry's hash, so an edited, removed,
-- inserted or reordered entry breaks the chain. The app never changes a row.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    site_id   TEXT NOT NULL,
    staff_id  TEXT NOT NULL,
    action    TEXT NOT NULL CHECK (action IN ('read', 'create', 'change', 'login', 'login_failed', 'export', 'import', 'backup', 'delete')),
    person_id TEXT,
    entity    TEXT,
    entity_id TEXT,
    purpose   TEXT,
    detail    TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL UNIQUE
) STRICT;
CREATE INDEX audit_log_person ON audit_log (person_id, seq) WHERE person_id IS NOT NULL;
CREATE INDEX audit_log_staff ON audit_log (staff_id, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is never changed'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is never changed'); END;

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

----------------------------------------------------------------------------
-- Sync (added in schema version 3; docs/sync.md)
----------------------------------------------------------------------------

-- The change log: every insert and every changed field group of an
-- exchanged table, local or received, in the order this journal learnt of
-- it (seq, local). A change is named by (site, hlc, grp): the site that made
-- it, its hybrid-clock value there (unique per site) and its field group
-- ('' for the insert of the whole row). value is a JSON object of the
-- group's columns; seen the version vector of that field the writer had
-- seen ({site: hlc}), which is what tells a sequential edit from a
-- concurrent one whatever order changes arrive in. seq is never used twice
-- (AUTOINCREMENT, schema version 7): a revocation or retention removes a
-- row's changes, and a position taken again after the last ones went would
-- lie at or before what a partner confirmed, so it would never be sent.
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
-- The retention tombstones (schema version 7), which every merge re-checks
-- (src/sync/retention.rs): without it, a scan of the whole log.
CREATE INDEX sync_change_retention ON sync_change (hlc, site) WHERE grp = '!retention';

-- The open conflicts: for a field whose log has more than one head (changes
-- that did not know of each other), every head but the winner (reason '');
-- and changes held out of a row because the merged row broke a rule of the
-- journal (reason: the rule). Derived from the log, so every site that
-- holds the same changes lists the same.
CREATE TABLE sync_conflict (
    tbl    TEXT NOT NULL,
    row_id TEXT NOT NULL,
    grp    TEXT NOT NULL,
    site   TEXT NOT NULL,
    hlc    INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (row_id, grp, site, hlc)
) STRICT, WITHOUT ROWID;
CREATE INDEX sync_conflict_reason ON sync_conflict (reason) WHERE reason <> '';

-- Two sites can each open a course of the same kind for one client without
-- knowing of the other: a unique index would refuse the second and the
-- merge would differ by arrival order. One open course per kind stays a
-- rule of local work (care.rs); two that arrive together are listed.
DROP INDEX course_one_open_per_kind;
CREATE INDEX course_open_per_kind ON course (client_id, kind) WHERE end_on IS NULL;

-- Rows whose changes are in the log but that cannot be in their table yet
-- (a row they refer to has not arrived); rebuilt when it does.
CREATE TABLE sync_pending (
    tbl    TEXT NOT NULL,
    row_id TEXT NOT NULL PRIMARY KEY,
    reason TEXT NOT NULL
) STRICT;

-- The rows each partner has been sent because they are in its scope, and
-- the position of our log when they first were: a row the partner has not
-- confirmed receiving (since_seq after its confirmation) is sent whole again.
-- A negative since_seq: the row left the scope and its revocation went in
-- the set up to position -since_seq; it goes again until that is confirmed.
CREATE TABLE sync_scope (
    site      TEXT NOT NULL,
    row_id    TEXT NOT NULL,
    since_seq INTEGER NOT NULL,
    PRIMARY KEY (site, row_id)
) STRICT, WITHOUT ROWID;

-- Rows removed because they left this site's scope (a partner's revocation),
-- with the partner's clock when it revoked them: changes of the row up to
-- then are ignored if an old change set brings them again. seq (schema
-- version 7): the position of this site's log when it removed them; every
-- change set to a partner that has not confirmed that position names them
-- (ChangeSet.dropped), so a partner that still may send them sends them again.
CREATE TABLE sync_revoked (
    row_id TEXT PRIMARY KEY,
    tbl    TEXT NOT NULL,
    hlc    INTEGER NOT NULL,
    seq    INTEGER NOT NULL DEFAULT 0
) STRICT;

-- What has been exchanged with each partner site: the highest seq of our
-- log the partner has confirmed (sent_acked), and the highest seq of the
-- partner's log we hold completely (received_upto).
CREATE TABLE sync_peer (
    site          TEXT PRIMARY KEY CHECK (length(site) = 36),
    sent_acked    INTEGER NOT NULL DEFAULT 0,
    received_upto INTEGER NOT NULL DEFAULT 0
) STRICT;

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
