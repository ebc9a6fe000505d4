//! The registry in one SQLite file: embedded, nothing to install. Written
//! ahead (WAL), synced at each commit, and waiting for a writer that holds the
//! lock rather than failing.

use super::store::{Param, Row, Store};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, ToSql};
use std::path::Path;
use std::time::Duration;

pub struct Sqlite {
    conn: Connection,
}

/// How long a commit waits for another writer to finish.
const BUSY: Duration = Duration::from_secs(120);

impl Sqlite {
    pub fn open(path: &Path) -> Result<Sqlite, String> {
        let conn = Connection::open(path).map_err(|e| e.to_string())?;
        conn.busy_timeout(BUSY).map_err(|e| e.to_string())?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
            .map_err(|e| e.to_string())?;
        Ok(Sqlite { conn })
    }
}

struct SqlParam<'a>(Param<'a>);

impl ToSql for SqlParam<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(match self.0 {
            Param::Text(t) => rusqlite::types::ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
            Param::Int(i) => rusqlite::types::ToSqlOutput::Owned(rusqlite::types::Value::Integer(i)),
            Param::Null => rusqlite::types::ToSqlOutput::Owned(rusqlite::types::Value::Null),
        })
    }
}

struct SqliteRow<'r, 's>(&'r rusqlite::Row<'s>);

impl Row for SqliteRow<'_, '_> {
    fn text(&self, i: usize) -> Result<Option<&str>, String> {
        match self.0.get_ref(i).map_err(|e| e.to_string())? {
            ValueRef::Null => Ok(None),
            ValueRef::Text(t) => std::str::from_utf8(t).map(Some).map_err(|e| e.to_string()),
            other => Err(format!("column {i}: {:?} where text was expected", other.data_type())),
        }
    }

    fn int(&self, i: usize) -> Result<i64, String> {
        self.0.get::<_, i64>(i).map_err(|e| e.to_string())
    }
}

fn bound<'a>(params: &'a [Param<'a>]) -> Vec<SqlParam<'a>> {
    params.iter().map(|p| SqlParam(*p)).collect()
}

impl Store for Sqlite {
    fn query(
        &mut self,
        sql: &str,
        params: &[Param],
        each: &mut dyn FnMut(&dyn Row) -> Result<(), String>,
    ) -> Result<(), String> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| e.to_string())?;
        let values = bound(params);
        let refs: Vec<&dyn ToSql> = values.iter().map(|v| v as &dyn ToSql).collect();
        let mut rows = stmt.query(refs.as_slice()).map_err(|e| e.to_string())?;
        while let Some(row) = rows.next().map_err(|e| e.to_string())? {
            each(&SqliteRow(row))?;
        }
        Ok(())
    }

    fn execute(&mut self, sql: &str, params: &[Param]) -> Result<(), String> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| e.to_string())?;
        let values = bound(params);
        let refs: Vec<&dyn ToSql> = values.iter().map(|v| v as &dyn ToSql).collect();
        stmt.execute(refs.as_slice()).map(|_| ()).map_err(|e| e.to_string())
    }

    fn batch(&mut self, sql: &str) -> Result<(), String> {
        self.conn.execute_batch(sql).map_err(|e| e.to_string())
    }

    fn begin_write(&mut self) -> Result<(), String> {
        // IMMEDIATE takes the write lock now, not at the first write: a fund
        // read after this cannot change under the round that read it.
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(|e| e.to_string())
    }

    fn begin_read(&mut self) -> Result<(), String> {
        // DEFERRED: in WAL mode, the snapshot of the first read, writers not held up
        self.conn.execute_batch("BEGIN DEFERRED").map_err(|e| e.to_string())
    }

    fn commit(&mut self) -> Result<(), String> {
        self.conn.execute_batch("COMMIT").map_err(|e| e.to_string())
    }

    fn rollback(&mut self) -> Result<(), String> {
        self.conn.execute_batch("ROLLBACK").map_err(|e| e.to_string())
    }

    fn version(&mut self) -> Result<i64, String> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| e.to_string())
    }

    fn set_version(&mut self, version: i64) -> Result<(), String> {
        self.conn
            .execute_batch(&format!("PRAGMA user_version = {version}"))
            .map_err(|e| e.to_string())
    }
}
