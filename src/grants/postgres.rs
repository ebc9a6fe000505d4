//! The registry on a PostgreSQL server, for a bureau's shared record. One
//! write at a time across every client: a transaction-scoped advisory lock,
//! taken before anything is read, so that a round reads what every earlier
//! commit wrote (READ COMMITTED reads the latest at each statement).

use super::store::{Param, Row, Store};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, NoTls};

pub struct Postgres {
    client: Client,
}

/// The advisory lock every writer of a zhice registry takes: `zhice` in ASCII.
const WRITE_LOCK: i64 = 0x7a_6869_6365;

impl Postgres {
    pub fn open(url: &str) -> Result<Postgres, String> {
        let client = Client::connect(url, NoTls).map_err(|e| e.to_string())?;
        Ok(Postgres { client })
    }
}

struct PgRow(postgres::Row);

impl Row for PgRow {
    fn text(&self, i: usize) -> Result<Option<&str>, String> {
        self.0.try_get::<_, Option<&str>>(i).map_err(|e| e.to_string())
    }

    fn int(&self, i: usize) -> Result<i64, String> {
        self.0.try_get::<_, i64>(i).map_err(|e| e.to_string())
    }
}

fn bound<'a>(params: &'a [Param<'a>]) -> Vec<Box<dyn ToSql + Sync + 'a>> {
    params
        .iter()
        .map(|p| -> Box<dyn ToSql + Sync + 'a> {
            match *p {
                Param::Text(t) => Box::new(t),
                Param::Int(i) => Box::new(i),
                Param::Null => Box::new(None::<&str>),
            }
        })
        .collect()
}

impl Store for Postgres {
    fn query(
        &mut self,
        sql: &str,
        params: &[Param],
        each: &mut dyn FnMut(&dyn Row) -> Result<(), String>,
    ) -> Result<(), String> {
        let values = bound(params);
        let refs = values.iter().map(|v| &**v as &(dyn ToSql + Sync));
        let mut rows = self.client.query_raw(sql, refs).map_err(|e| e.to_string())?;
        while let Some(row) = rows.next().map_err(|e| e.to_string())? {
            each(&PgRow(row))?;
        }
        Ok(())
    }

    fn execute(&mut self, sql: &str, params: &[Param]) -> Result<(), String> {
        let values = bound(params);
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| &**v as &(dyn ToSql + Sync)).collect();
        self.client.execute(sql, &refs).map(|_| ()).map_err(|e| e.to_string())
    }

    fn batch(&mut self, sql: &str) -> Result<(), String> {
        self.client.batch_execute(sql).map_err(|e| e.to_string())
    }

    fn begin_write(&mut self) -> Result<(), String> {
        self.client
            .batch_execute(&format!("BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})"))
            .map_err(|e| e.to_string())
    }

    fn begin_read(&mut self) -> Result<(), String> {
        self.client
            .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .map_err(|e| e.to_string())
    }

    fn commit(&mut self) -> Result<(), String> {
        self.client.batch_execute("COMMIT").map_err(|e| e.to_string())
    }

    fn rollback(&mut self) -> Result<(), String> {
        self.client.batch_execute("ROLLBACK").map_err(|e| e.to_string())
    }

    fn version(&mut self) -> Result<i64, String> {
        // read only: a registry not made yet has no table of versions
        let made = self
            .client
            .query_one("SELECT to_regclass('zhice_schema') IS NOT NULL", &[])
            .and_then(|row| row.try_get::<_, bool>(0))
            .map_err(|e| e.to_string())?;
        if !made {
            return Ok(0);
        }
        let row = self
            .client
            .query_one("SELECT COALESCE(MAX(version), 0) FROM zhice_schema", &[])
            .map_err(|e| e.to_string())?;
        row.try_get::<_, i64>(0).map_err(|e| e.to_string())
    }

    fn set_version(&mut self, version: i64) -> Result<(), String> {
        self.client
            .batch_execute("CREATE TABLE IF NOT EXISTS zhice_schema (version BIGINT NOT NULL)")
            .and_then(|()| self.client.execute("DELETE FROM zhice_schema", &[]).map(|_| ()))
            .and_then(|_| {
                self.client
                    .execute("INSERT INTO zhice_schema (version) VALUES ($1)", &[&version])
            })
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}
