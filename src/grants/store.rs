//! The one interface every database of the registry offers: statements with
//! `$1, $2, …` parameters, rows read through a callback, one write transaction
//! at a time. The registry's logic is written once, over this.

/// A value bound to a statement's `$n`.
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    Text(&'a str),
    Int(i64),
    Null,
}

/// One row of a result, read in place.
pub trait Row {
    fn text(&self, i: usize) -> Result<Option<&str>, String>;
    fn int(&self, i: usize) -> Result<i64, String>;
}

/// A database holding a registry.
pub trait Store {
    /// Runs `sql` and hands each row to `each`.
    fn query(
        &mut self,
        sql: &str,
        params: &[Param],
        each: &mut dyn FnMut(&dyn Row) -> Result<(), String>,
    ) -> Result<(), String>;
    /// Runs a statement that returns no rows.
    fn execute(&mut self, sql: &str, params: &[Param]) -> Result<(), String>;
    /// Runs statements separated by `;` (a migration).
    fn batch(&mut self, sql: &str) -> Result<(), String>;
    /// Starts the one write transaction: until it ends, no other writer can
    /// start, so that what it reads (a fund's spending) stays true until it commits.
    fn begin_write(&mut self) -> Result<(), String>;
    /// Starts a read-only transaction: one snapshot for everything it reads.
    fn begin_read(&mut self) -> Result<(), String>;
    fn commit(&mut self) -> Result<(), String>;
    fn rollback(&mut self) -> Result<(), String>;
    /// The schema version the registry is at (0 for a new one).
    fn version(&mut self) -> Result<i64, String>;
    fn set_version(&mut self, version: i64) -> Result<(), String>;
}
