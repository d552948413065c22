//! The client search's name index (schema.sql "Name index"): every word of
//! every client's name, stored with the name and id in the client list's
//! order (name without regard to ASCII case, then id). A search for words
//! that each start a word of the name reads the index of each matching word
//! in that order and merges them, so one screenful costs about a screenful
//! of rows, not every match found, fetched and sorted.
//!
//! The triggers that keep the index call `tovholder_name_words`, which each
//! of the program's connections registers (`register`): a connection
//! without it cannot change a client's name, rather than leave the index
//! stale.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use rusqlite::functions::FunctionFlags;
use rusqlite::{params, Connection};

use super::Journal;
use crate::error::Result;
use crate::model::ClientId;
use crate::security::scope::SharedName;

/// The SQL function the index's triggers split names with.
const WORDS_FN: &str = "tovholder_name_words";

/// The words of a name or a query as the search matches them: split at
/// every character that is not a letter or digit, lower-cased.
pub(crate) fn words(text: &str) -> Vec<String> {
    // Letter by letter (`char::to_lowercase`), as `has_word_starting`
    // compares.
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().flat_map(char::to_lowercase).collect())
        .collect()
}

/// Does a word of `name` start with `prefix` (a word of `words`, so
/// already lower-case)? The same test as on `words(name)`, without making
/// the words.
fn has_word_starting(name: &str, prefix: &str) -> bool {
    name.split(|c: char| !c.is_alphanumeric()).any(|w| {
        let mut lower = w.chars().flat_map(char::to_lowercase);
        prefix.chars().all(|p| lower.next() == Some(p))
    })
}

/// Register `tovholder_name_words(name)`: the name's distinct words as a
/// JSON array (`[]` for NULL).
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        WORDS_FN,
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC | FunctionFlags::SQLITE_INNOCUOUS,
        |ctx| {
            let name: Option<String> = ctx.get(0)?;
            let mut w = name.as_deref().map(words).unwrap_or_default();
            w.sort();
            w.dedup();
            serde_json::to_string(&w).map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e)))
        },
    )
}

/// SQLite's NOCASE collation: bytes compared with ASCII letters folded.
pub(crate) fn nocase(a: &str, b: &str) -> Ordering {
    a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// A row of the index: name and id, in the list's order.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    name: String,
    id: String,
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        nocase(&self.name, &other.name).then_with(|| self.id.cmp(&other.id))
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The next key of one index word, smallest first in the heap.
#[derive(PartialEq, Eq)]
struct Head(Key, usize);

impl Ord for Head {
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.cmp(&self.0).then_with(|| other.1.cmp(&self.1))
    }
}

impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// One word of the index, read in the list's order a batch at a time.
struct Cursor {
    word: String,
    buffer: VecDeque<Key>,
    last: Key,
    batch: usize,
    done: bool,
}

/// How many index rows of a query word are counted to choose the word that
/// leads the merge: enough to tell a rare word from a common one.
const COUNT_CAP: i64 = 256;

impl Journal {
    /// The clients whose name has, for every word of `query`, a word that
    /// starts with it, in the client list's order; each is offered to
    /// `accept` (the reader's scope, the list's filter) until `limit` are
    /// accepted. `None` when the query has no words.
    pub(super) fn clients_by_name(
        &self,
        query: &str,
        limit: usize,
        mut accept: impl FnMut(ClientId) -> Result<bool>,
    ) -> Result<Option<Vec<ClientId>>> {
        let mut query_words = words(query);
        if query_words.is_empty() {
            return Ok(None);
        }
        if limit == 0 {
            return Ok(Some(Vec::new()));
        }
        query_words.sort();
        query_words.dedup();
        let conn = self.connection();
        // The merge is led by the word with the fewest index rows; the
        // others are checked on each candidate's name.
        let lead = if query_words.len() == 1 {
            0
        } else {
            let mut count = conn.prepare_cached(
                "SELECT count(*) FROM (SELECT 1 FROM client_word WHERE word >= ?1 AND word < ?2 LIMIT ?3)",
            )?;
            let mut best = (i64::MAX, 0);
            for (i, w) in query_words.iter().enumerate() {
                let n: i64 = count.query_row(params![w, format!("{w}\u{10FFFF}"), COUNT_CAP], |r| r.get(0))?;
                if n < best.0 {
                    best = (n, i);
                }
            }
            best.1
        };
        let prefix = query_words.remove(lead);
        let others = query_words;

        // Every distinct index word that starts with the lead word.
        let mut first = conn.prepare_cached("SELECT word FROM client_word WHERE word >= ?1 ORDER BY word LIMIT 1")?;
        let mut next = conn.prepare_cached("SELECT word FROM client_word WHERE word > ?1 ORDER BY word LIMIT 1")?;
        let mut matching: Vec<String> = Vec::new();
        let mut at: Option<String> = first.query_row([&prefix], |r| r.get(0)).ok();
        while let Some(w) = at.take() {
            if !w.starts_with(prefix.as_str()) {
                break;
            }
            at = next.query_row([&w], |r| r.get(0)).ok();
            matching.push(w);
        }
        if matching.is_empty() {
            return Ok(Some(Vec::new()));
        }

        // Merge the words' rows in the list's order.
        let mut batch = conn.prepare_cached(
            "SELECT name, id FROM client_word WHERE word = ?1 AND (name, id) > (?2, ?3) ORDER BY name, id LIMIT ?4",
        )?;
        let mut fill = |c: &mut Cursor| -> Result<()> {
            let rows = batch.query_map(params![c.word, c.last.name, c.last.id, c.batch as i64], |r| {
                Ok(Key { name: r.get(0)?, id: r.get(1)? })
            })?;
            let mut n = 0;
            for row in rows {
                c.buffer.push_back(row?);
                n += 1;
            }
            c.done = n < c.batch;
            if let Some(k) = c.buffer.back() {
                c.last = k.clone();
            }
            c.batch = (c.batch * 2).min(1024);
            Ok(())
        };
        let first_batch = (limit / matching.len() + 1).clamp(4, 64);
        let mut cursors: Vec<Cursor> = matching
            .into_iter()
            .map(|word| Cursor {
                word,
                buffer: VecDeque::new(),
                last: Key { name: String::new(), id: String::new() },
                batch: first_batch,
                done: false,
            })
            .collect();
        let mut heap = BinaryHeap::with_capacity(cursors.len());
        for (i, c) in cursors.iter_mut().enumerate() {
            fill(c)?;
            if let Some(k) = c.buffer.pop_front() {
                heap.push(Head(k, i));
            }
        }
        let mut out = Vec::new();
        let mut previous: Option<String> = None;
        while let Some(Head(key, i)) = heap.pop() {
            let c = &mut cursors[i];
            if c.buffer.is_empty() && !c.done {
                fill(c)?;
            }
            if let Some(k) = c.buffer.pop_front() {
                heap.push(Head(k, i));
            }
            // A name with two words that start with the lead word comes
            // once from each; they are next to each other in the order.
            if previous.as_deref() == Some(key.id.as_str()) {
                continue;
            }
            if !others.iter().all(|o| has_word_starting(&key.name, o)) {
                previous = Some(key.id);
                continue;
            }
            let Ok(id) = key.id.parse::<ClientId>() else { continue };
            previous = Some(key.id);
            if accept(id)? {
                out.push(id);
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok(Some(out))
    }
}

/// The same search over a family consultant's shared cases, already in the
/// list's order with their words (`scope::Shared`): every word of `query`
/// must start a word of the name. `None` when the query has no words.
pub(crate) fn shared_by_name(
    shared: &[SharedName],
    query: &str,
    limit: usize,
    mut accept: impl FnMut(ClientId) -> Result<bool>,
) -> Result<Option<Vec<ClientId>>> {
    let query_words = words(query);
    if query_words.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for c in shared {
        if out.len() >= limit {
            break;
        }
        if query_words.iter().all(|q| c.words.iter().any(|w| w.starts_with(q.as_str()))) && accept(c.id)? {
            out.push(c.id);
        }
    }
    Ok(Some(out))
}
