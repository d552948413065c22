-- Migration to schema version 3: the sync change log. The statements up to
-- "Existing rows" are the "Sync" section of schema.sql verbatim (a test checks
-- that a migrated journal has the same schema as a fresh one).

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
-- concurrent one whatever order changes arrive in.
CREATE TABLE sync_change (
    seq    INTEGER PRIMARY KEY,
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
CREATE TABLE sync_scope (
    site      TEXT NOT NULL,
    row_id    TEXT NOT NULL,
    since_seq INTEGER NOT NULL,
    PRIMARY KEY (site, row_id)
) STRICT, WITHOUT ROWID;

-- Rows removed because they left this site's scope (a partner's revocation),
-- with the partner's clock when it revoked them: changes of the row up to
-- then are ignored if an old change set brings them again.
CREATE TABLE sync_revoked (
    row_id TEXT PRIMARY KEY,
    tbl    TEXT NOT NULL,
    hlc    INTEGER NOT NULL
) STRICT;

-- What has been exchanged with each partner site: the highest seq of our
-- log the partner has confirmed (sent_acked), and the highest seq of the
-- partner's log we hold completely (received_upto).
CREATE TABLE sync_peer (
    site          TEXT PRIMARY KEY CHECK (length(site) = 36),
    sent_acked    INTEGER NOT NULL DEFAULT 0,
    received_upto INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Existing rows: each becomes the insert change that made it, stamped with
-- its origin site and version, so partners receive it like any other.
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'unit', id, '', json_object('municipality', municipality, 'kind', kind, 'name', name), '{}', changed_at, changed_by FROM unit ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'staff', id, '', json_object('unit_id', unit_id, 'name', name, 'initials', initials, 'role', role, 'active', active), '{}', changed_at, changed_by FROM staff ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'client', id, '', json_object('name', name, 'cpr', cpr, 'anonymous', anonymous, 'birth_date', birth_date, 'sex', sex, 'municipality', municipality, 'address', address, 'phone', phone, 'email', email), '{}', changed_at, changed_by FROM client ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'child', id, '', json_object('name', name, 'birth_date', birth_date, 'cpr', cpr, 'sex', sex, 'family_case', family_case, 'caseworker', caseworker, 'caseworker_unit', caseworker_unit, 'concern', concern, 'other_measures', other_measures, 'registered_on', registered_on), '{}', changed_at, changed_by FROM child ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'child_link', id, '', json_object('child_id', child_id, 'client_id', client_id, 'relation', relation, 'custody', custody, 'residence', residence, 'visitation', visitation), '{}', changed_at, changed_by FROM child_link ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'network_person', id, '', json_object('child_id', child_id, 'role', role, 'name', name, 'contact', contact), '{}', changed_at, changed_by FROM network_person ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'emergency_plan', id, '', json_object('child_id', child_id, 'revision', revision, 'made_on', made_on, 'trusted_adults', trusted_adults, 'plan', plan), '{}', changed_at, changed_by FROM emergency_plan ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'referral', id, '', json_object('client_id', client_id, 'received_on', received_on, 'source', source, 'referrer', referrer, 'reason', reason, 'door', door, 'unit_id', unit_id, 'info_talk_on', info_talk_on, 'outcome', outcome), '{}', changed_at, changed_by FROM referral ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'course', id, '', json_object('client_id', client_id, 'referral_id', referral_id, 'unit_id', unit_id, 'kind', kind, 'setting', setting, 'status', status, 'enrolled_on', enrolled_on, 'start_on', start_on, 'follow_up_from', follow_up_from, 'end_on', end_on, 'end_reason', end_reason, 'case_owner', case_owner, 'paying_municipality', paying_municipality), '{}', changed_at, changed_by FROM course ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'assessment', id, '', json_object('course_id', course_id, 'assessed_on', assessed_on, 'audit_score', audit_score, 'units_per_week', units_per_week, 'side_abuse', side_abuse, 'income_source', income_source, 'housing', housing, 'children_situation', children_situation, 'pregnant', pregnant, 'violence', violence, 'psychiatric', psychiatric, 'remarks', remarks), '{}', changed_at, changed_by FROM assessment ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'plan_revision', id, '', json_object('course_id', course_id, 'revision', revision, 'made_on', made_on, 'goals', goals, 'elements', elements, 'medication', medication, 'family_section', family_section, 'midway_on', midway_on, 'final_on', final_on), '{}', changed_at, changed_by FROM plan_revision ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'evaluation', id, '', json_object('course_id', course_id, 'kind', kind, 'evaluated_on', evaluated_on, 'text', text), '{}', changed_at, changed_by FROM evaluation ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'medication', id, '', json_object('course_id', course_id, 'drug', drug, 'dose', dose, 'started_on', started_on, 'started_by', started_by, 'stopped_on', stopped_on, 'stopped_by', stopped_by, 'stop_reason', stop_reason), '{}', changed_at, changed_by FROM medication ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'session', id, '', json_object('course_id', course_id, 'kind', kind, 'held_on', held_on, 'start_time', start_time, 'minutes', minutes, 'place', place, 'attendance', attendance), '{}', changed_at, changed_by FROM session ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'session_participant', id, '', json_object('session_id', session_id, 'client_id', client_id, 'child_id', child_id, 'staff_id', staff_id, 'external_name', external_name), '{}', changed_at, changed_by FROM session_participant ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'note', id, '', json_object('client_id', client_id, 'course_id', course_id, 'session_id', session_id, 'kind', kind, 'corrects', corrects, 'written_on', written_on, 'internal', internal, 'text', text), '{}', changed_at, changed_by FROM note ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'notification', id, '', json_object('child_id', child_id, 'client_id', client_id, 'made_on', made_on, 'made_by', made_by, 'to_unit', to_unit, 'recipient', recipient, 'reason', reason, 'answer_received_on', answer_received_on, 'answer', answer), '{}', changed_at, changed_by FROM notification ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'consent', id, '', json_object('client_id', client_id, 'scope', scope, 'recipient', recipient, 'to_unit', to_unit, 'given_on', given_on, 'withdrawn_on', withdrawn_on, 'remarks', remarks), '{}', changed_at, changed_by FROM consent ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'activity_group', id, '', json_object('unit_id', unit_id, 'kind', kind, 'name', name, 'start_on', start_on, 'end_on', end_on), '{}', changed_at, changed_by FROM activity_group ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'group_member', id, '', json_object('group_id', group_id, 'client_id', client_id, 'child_id', child_id, 'joined_on', joined_on, 'left_on', left_on), '{}', changed_at, changed_by FROM group_member ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'group_attendance', id, '', json_object('member_id', member_id, 'met_on', met_on, 'attendance', attendance), '{}', changed_at, changed_by FROM group_attendance ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'case_review', id, '', json_object('unit_id', unit_id, 'held_on', held_on, 'led_by', led_by), '{}', changed_at, changed_by FROM case_review ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'case_review_item', id, '', json_object('review_id', review_id, 'client_id', client_id, 'child_id', child_id, 'answers', answers, 'decision', decision, 'responsible', responsible), '{}', changed_at, changed_by FROM case_review_item ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'agreement_price', id, '', json_object('payer', payer, 'provider', provider, 'course_kind', course_kind, 'setting', setting, 'per', per, 'amount', amount, 'valid_from', valid_from, 'valid_to', valid_to), '{}', changed_at, changed_by FROM agreement_price ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'settlement', id, '', json_object('payer', payer, 'provider', provider, 'period', period, 'made_on', made_on, 'total', total), '{}', changed_at, changed_by FROM settlement ORDER BY version;
INSERT INTO sync_change (site, hlc, tbl, row_id, grp, value, seen, at, staff)
    SELECT origin_site, version, 'settlement_line', id, '', json_object('settlement_id', settlement_id, 'client_id', client_id, 'course_id', course_id, 'price_id', price_id, 'days', days, 'amount', amount), '{}', changed_at, changed_by FROM settlement_line ORDER BY version;
