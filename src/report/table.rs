//! A published table and the suppression rule.
//!
//! The rule (documented in README "Reports"):
//! 1. *Primary*: every count from 1 to 4 is shown as "<5". Zero is shown.
//! 2. *Secondary*: a table that shows totals must not let a reader subtract
//!    their way to a suppressed count. For every line (a row with its row
//!    total, or a column with its column total) that holds exactly one
//!    suppressed cell and whose total is shown, the smallest other non-zero
//!    cell of that line is suppressed too and shown as "x"; if the line has
//!    no such cell, its total is shown as "x". This repeats until no line has
//!    a lone suppressed cell.
//!
//! Tables whose categories overlap (a person may have several kinds of side
//! abuse) show no totals, so only rule 1 applies to them.

use serde::Serialize;

/// One published cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Cell {
    Count(i64),
    /// 1-4, shown as "<5".
    Small,
    /// Hidden so a small count cannot be worked out; shown as "x".
    Hidden,
}

impl Cell {
    pub fn text(self) -> String {
        match self {
            Cell::Count(n) => n.to_string(),
            Cell::Small => "<5".into(),
            Cell::Hidden => "x".into(),
        }
    }

    fn suppressed(self) -> bool {
        !matches!(self, Cell::Count(_))
    }
}

/// A table as published: rows of labelled cells; with totals, the last
/// column is the row total and the last row the column totals.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub title: String,
    pub row_header: String,
    pub columns: Vec<String>,
    pub rows: Vec<(String, Vec<Cell>)>,
    /// Whether the last row (and, with several columns, the last column) are totals.
    pub totals: bool,
    pub note: Option<String>,
    /// The counts before suppression, for charts drawn from published data
    /// only (never published themselves).
    #[serde(skip)]
    pub raw: Vec<Vec<i64>>,
}

impl Table {
    /// A table from raw counts. With `totals`, a total column ("I alt") and
    /// a total row are added; then the suppression rule is applied.
    pub fn new(
        title: &str,
        row_header: &str,
        columns: Vec<String>,
        rows: Vec<(String, Vec<i64>)>,
        totals: bool,
        note: Option<String>,
    ) -> Table {
        let mut columns = columns;
        let mut labels: Vec<String> = rows.iter().map(|(l, _)| l.clone()).collect();
        let mut grid: Vec<Vec<i64>> = rows.into_iter().map(|(_, v)| v).collect();
        // One column needs no row totals: the total row says it all.
        let row_totals = totals && columns.len() > 1;
        if row_totals {
            for r in &mut grid {
                let sum = r.iter().sum();
                r.push(sum);
            }
            columns.push("I alt".into());
        }
        if totals {
            let width = grid.first().map(Vec::len).unwrap_or(columns.len() + 1);
            let total_row: Vec<i64> = (0..width).map(|c| grid.iter().map(|r| r[c]).sum()).collect();
            grid.push(total_row);
            labels.push("I alt".into());
        }
        let cells = suppress(&grid, row_totals, totals);
        Table {
            title: title.into(),
            row_header: row_header.into(),
            columns,
            rows: labels.into_iter().zip(cells).collect(),
            totals,
            note,
            raw: grid,
        }
    }

    /// As text: a Markdown table.
    pub fn to_text(&self) -> String {
        let mut s = format!("{}\n\n| {} |", self.title, self.row_header);
        for c in &self.columns {
            s.push_str(&format!(" {c} |"));
        }
        s.push_str(&format!("\n|{}|\n", vec!["---"; self.columns.len() + 1].join("|")));
        for (label, cells) in &self.rows {
            s.push_str(&format!("| {label} |"));
            for c in cells {
                s.push_str(&format!(" {} |", c.text()));
            }
            s.push('\n');
        }
        if let Some(n) = &self.note {
            s.push_str(&format!("\n{n}\n"));
        }
        s
    }

    /// As CSV with ';' (as Danish spreadsheets expect).
    pub fn to_csv(&self) -> String {
        let esc = |s: &str| {
            if s.contains([';', '"', '\n']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        };
        let mut s = esc(&self.row_header);
        for c in &self.columns {
            s.push(';');
            s.push_str(&esc(c));
        }
        s.push('\n');
        for (label, cells) in &self.rows {
            s.push_str(&esc(label));
            for c in cells {
                s.push(';');
                s.push_str(&c.text());
            }
            s.push('\n');
        }
        s
    }
}

/// Apply the suppression rule (module doc) to a grid of counts. With
/// `row_totals` the last column holds each row's total; with `col_totals`
/// the last row holds each column's total.
pub fn suppress(grid: &[Vec<i64>], row_totals: bool, col_totals: bool) -> Vec<Vec<Cell>> {
    let mut cells: Vec<Vec<Cell>> = grid
        .iter()
        .map(|r| r.iter().map(|&n| if (1..=4).contains(&n) { Cell::Small } else { Cell::Count(n) }).collect())
        .collect();
    if grid.is_empty() || grid[0].is_empty() {
        return cells;
    }
    let rows = grid.len();
    let cols = grid[0].len();
    // Lines that end in a published total: each row (total in the last
    // column) and each column (total in the last row).
    let mut lines: Vec<Vec<(usize, usize)>> = Vec::new();
    if row_totals {
        lines.extend((0..rows).map(|r| (0..cols).map(|c| (r, c)).collect::<Vec<_>>()));
    }
    if col_totals {
        lines.extend((0..cols).map(|c| (0..rows).map(|r| (r, c)).collect::<Vec<_>>()));
    }
    loop {
        let mut changed = false;
        for line in &lines {
            let (body, total) = line.split_at(line.len() - 1);
            let total = total[0];
            if cells[total.0][total.1].suppressed() {
                continue;
            }
            let hidden = body.iter().filter(|&&(r, c)| cells[r][c].suppressed()).count();
            if hidden != 1 {
                continue;
            }
            let candidate = body
                .iter()
                .filter(|&&(r, c)| !cells[r][c].suppressed() && grid[r][c] > 0)
                .min_by_key(|&&(r, c)| (grid[r][c], r, c));
            let (r, c) = candidate.copied().unwrap_or(total);
            cells[r][c] = Cell::Hidden;
            changed = true;
        }
        if !changed {
            return cells;
        }
    }
}
