//! The disclosure audit: for every suppressed number of a published table,
//! the smallest and largest value a reader can still work out from
//! everything published beside it (the other cells, the totals, the number
//! of people in the heading, other tables tied to it) and from the rule
//! itself ("<5" is 1-4, "x" is 5 or more, counts are whole numbers from 0).
//! Each bound is an integer program, solved with `good_lp` over the pure
//! Rust `microlp` solver.
//!
//! Must not: trust a solver failure. A program that fails to solve counts as
//! "the reader may know the value", so the caller suppresses more.

use good_lp::{microlp, variable, Expression, ProblemVariables, Solution, SolverModel, Variable};

/// What a reader knows of one number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Known {
    /// Published as it is.
    Value(i64),
    /// Published as "<5": 1 to 4.
    Small,
    /// Published as "x": 5 or more.
    Hidden,
    /// Not published at all (a helper quantity such as "people with any
    /// children"): 0 or more.
    Free,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rel {
    Eq,
    Le,
    Ge,
}

/// `Σ coefficient · number  rel  rhs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Constraint {
    pub terms: Vec<(usize, i64)>,
    pub rel: Rel,
    pub rhs: i64,
}

impl Constraint {
    pub fn new(terms: Vec<(usize, i64)>, rel: Rel, rhs: i64) -> Constraint {
        Constraint { terms, rel, rhs }
    }
}

/// Everything a reader knows: the numbers and how they hang together.
#[derive(Debug, Clone, Default)]
pub(crate) struct System {
    pub vars: Vec<Known>,
    pub constraints: Vec<Constraint>,
}

/// No count in a report comes near this; it bounds "x" from above so that
/// every program has a finite optimum.
const CAP: i64 = 1_000_000;

/// What "<5" says: 1 to 4.
pub(crate) const SMALL_RANGE: (i64, i64) = (1, 4);

/// The protection a "<5" keeps (docs/reports.md): whatever a reader works
/// out, at least three of the values 1-4 stay possible, so it can always be
/// both 2 or less and 3 or more, and never "exactly 1" or "1 or 2".
pub(crate) const MIN_SPREAD: i64 = 2;

impl System {
    /// Append `other`'s numbers after this system's, returning the offset
    /// of `other`'s first number.
    pub fn append(&mut self, other: System) -> usize {
        let offset = self.vars.len();
        self.vars.extend(other.vars);
        self.constraints.extend(
            other
                .constraints
                .into_iter()
                .map(|c| Constraint { terms: c.terms.into_iter().map(|(v, a)| (v + offset, a)).collect(), ..c }),
        );
        offset
    }

    /// The smallest and largest whole value number `v` can have, or `None`
    /// when the solver gives no answer.
    pub fn interval(&self, v: usize) -> Option<(i64, i64)> {
        if let Known::Value(n) = self.vars[v] {
            return Some((n, n));
        }
        let lo = self.optimum(v, false)?;
        let hi = self.optimum(v, true)?;
        Some((lo, hi))
    }

    fn optimum(&self, target: usize, maximise: bool) -> Option<i64> {
        // The solver is young; a panic in it must not take the app down.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.solve(target, maximise))).ok().flatten()
    }

    fn solve(&self, target: usize, maximise: bool) -> Option<i64> {
        let mut pv = ProblemVariables::new();
        let xs: Vec<Variable> = self
            .vars
            .iter()
            .map(|k| {
                let (lo, hi) = match *k {
                    Known::Value(n) => (n, n),
                    Known::Small => SMALL_RANGE,
                    Known::Hidden => (5, CAP),
                    Known::Free => (0, CAP),
                };
                pv.add(variable().integer().min(lo as f64).max(hi as f64))
            })
            .collect();
        let objective = xs[target];
        let mut model = if maximise { pv.maximise(objective) } else { pv.minimise(objective) }.using(microlp);
        for c in &self.constraints {
            let e: Expression = c.terms.iter().map(|&(v, a)| a as f64 * xs[v]).sum();
            let rhs = c.rhs as f64;
            model = model.with(match c.rel {
                Rel::Eq => e.eq(rhs),
                Rel::Le => e.leq(rhs),
                Rel::Ge => e.geq(rhs),
            });
        }
        let solution = model.solve().ok()?;
        Some(solution.value(objective).round() as i64)
    }

    /// Whether number `v` keeps its protection: a "<5" must still be able
    /// to be at least three of 1-4 (`MIN_SPREAD`). Other numbers are not
    /// sensitive: a published count is public, and an "x" is 5 or more
    /// whatever a reader works out.
    pub fn protected(&self, v: usize) -> bool {
        match self.vars[v] {
            Known::Small => self.interval(v).is_some_and(|(lo, hi)| hi - lo >= MIN_SPREAD),
            _ => true,
        }
    }

    /// The first "<5" among `targets` a reader can narrow, if any.
    pub fn first_unprotected(&self, targets: impl IntoIterator<Item = usize>) -> Option<usize> {
        targets.into_iter().find(|&v| !self.protected(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_count_beside_its_total_is_pinned_and_one_beside_a_hidden_total_is_not() {
        // a + 8 = 9 with a "<5": a = 1.
        let mut s = System { vars: vec![Known::Small, Known::Value(8), Known::Value(9)], constraints: vec![] };
        s.constraints.push(Constraint::new(vec![(0, 1), (1, 1), (2, -1)], Rel::Eq, 0));
        assert_eq!(s.interval(0), Some((1, 1)));
        assert!(!s.protected(0));
        s.vars[2] = Known::Hidden;
        assert_eq!(s.interval(0), Some((1, 4)));
        assert!(s.protected(0));
        // a + x = 7 with x ≥ 5: a is 1 or 2, not protected.
        s.vars[1] = Known::Hidden;
        s.vars[2] = Known::Value(7);
        assert_eq!(s.interval(0), Some((1, 2)));
        assert!(!s.protected(0));
        // a + x = 6 with x ≥ 5: a = 1 again.
        s.vars[1] = Known::Hidden;
        s.vars[2] = Known::Value(6);
        assert_eq!(s.interval(0), Some((1, 1)));
        assert_eq!(s.interval(1), Some((5, 5)));
    }
}
