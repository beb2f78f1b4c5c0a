-- dlcards progress database, the latest schema (PRAGMA user_version = 4).
-- Older databases are brought here by store.MIGRATIONS (a test checks both agree).
-- The review log is the source of truth; card_state, review_counts and seen_cards are
-- caches of it, updated in the same transaction as every row and rebuilt from the log.

CREATE TABLE profiles (
    name        TEXT PRIMARY KEY,
    created_at  TEXT NOT NULL
) WITHOUT ROWID;

-- Append-only. One row per event; ids are UUIDs so logs from two machines merge.
CREATE TABLE reviews (
    id           TEXT PRIMARY KEY,
    profile      TEXT NOT NULL,
    deck_id      TEXT NOT NULL,
    card_id      TEXT NOT NULL,
    ts           TEXT NOT NULL,      -- UTC, 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (sorts as text)
    study_day    TEXT NOT NULL,      -- local date with day_starts_at applied, fixed when graded
    kind         TEXT NOT NULL,      -- review | drill | practice | undo | suspend | unsuspend | reset
    grade        INTEGER,            -- 0-5; NULL for undo, suspend, unsuspend, reset
    duration_ms  INTEGER,
    instance     TEXT,               -- compute cards: {"problem", "level", "seed", "params"} as JSON
    answer       TEXT,               -- compute and choice cards: what was typed or chosen
    cancels      TEXT,               -- undo: the id of the row it cancels
    repetitions  INTEGER,            -- the card's state after this row
    easiness     INTEGER,            -- hundredths
    interval     INTEGER,
    due          TEXT
);
CREATE INDEX reviews_by_profile_time ON reviews (profile, ts, id);
CREATE INDEX reviews_by_profile_day ON reviews (profile, study_day);
CREATE INDEX reviews_by_card ON reviews (profile, deck_id, card_id, ts);
CREATE INDEX reviews_by_cancelled ON reviews (cancels) WHERE cancels IS NOT NULL;
-- The suspend/unsuspend rows (few): a card is suspended when its latest (ts, id)
-- such row that no undo cancels is a suspend. This index is the live "cache" of
-- suspensions, kept by SQLite on every insert, merges included.
CREATE INDEX reviews_card_events ON reviews (profile, deck_id, card_id, ts, id)
WHERE kind IN ('suspend', 'unsuspend');

-- Cache of the log: one row per card a profile has reviewed (no row = new).
CREATE TABLE card_state (
    profile      TEXT NOT NULL,
    deck_id      TEXT NOT NULL,
    card_id      TEXT NOT NULL,
    repetitions  INTEGER NOT NULL,
    easiness     INTEGER NOT NULL,
    interval     INTEGER NOT NULL,
    due          TEXT NOT NULL,
    lapses       INTEGER NOT NULL,
    reviews      INTEGER NOT NULL,
    PRIMARY KEY (profile, deck_id, card_id)
) WITHOUT ROWID;
CREATE INDEX card_state_by_due ON card_state (profile, due);

-- Buried cards leave one study day's queue; not part of the merged log.
CREATE TABLE buried (
    profile    TEXT NOT NULL,
    deck_id    TEXT NOT NULL,
    card_id    TEXT NOT NULL,
    study_day  TEXT NOT NULL,
    PRIMARY KEY (profile, study_day, deck_id, card_id)
) WITHOUT ROWID;

CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;

-- When each card's content last changed (dlcards/content_times.py): the modification
-- time of the note an Anki export writes, so an unchanged card never looks newer.
CREATE TABLE content_times (
    deck_id     TEXT NOT NULL,
    card_id     TEXT NOT NULL,
    hash        TEXT NOT NULL,      -- content_hash() of the card as last seen
    changed_at  INTEGER NOT NULL,   -- Unix seconds when that content was first seen
    PRIMARY KEY (deck_id, card_id)
) WITHOUT ROWID;

-- Running counts of the log (dlcards/store_counts.py): per profile, study day and deck,
-- reviews not undone, of them those graded >= 3, and re-drills not undone (a row only
-- while reviews or re-drills are > 0) ...
CREATE TABLE review_counts (
    profile    TEXT NOT NULL,
    study_day  TEXT NOT NULL,
    deck_id    TEXT NOT NULL,
    reviews    INTEGER NOT NULL,
    passed     INTEGER NOT NULL,
    redrills   INTEGER NOT NULL,
    PRIMARY KEY (profile, study_day, deck_id)
) WITHOUT ROWID;
-- ... and each card a profile has reviewed (not undone), with its first such review in
-- (ts, id) order: its day and whether it was graded >= 3 (retention leaves firsts out).
CREATE TABLE seen_cards (
    profile       TEXT NOT NULL,
    deck_id       TEXT NOT NULL,
    card_id       TEXT NOT NULL,
    first_day     TEXT NOT NULL,
    first_passed  INTEGER NOT NULL,
    PRIMARY KEY (profile, deck_id, card_id)
) WITHOUT ROWID;
CREATE INDEX seen_cards_by_first_day ON seen_cards (profile, first_day);
