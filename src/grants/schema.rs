//! The registry's tables, the same on SQLite and PostgreSQL. Amounts are kept
//! as exact decimal text (`12345.60`), never as floating point; sums are taken
//! in Rust with exact decimals. A committed round is never updated: a void is
//! a row of its own.
//!
//! `zhice_awards` is the record: one row per award, what people query and
//! export. `zhice_round_ledgers` holds the same awards of each round packed in
//! one text, written in the same transaction: a round reads every ledger from
//! a row per earlier round, not from a row per award (a million rows cost half
//! a second to step through; their packed text a tenth of that).

/// The version the migrations below bring a registry to.
pub const VERSION: i64 = 1;

/// Each migration, in order: migration `i` brings a registry from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE zhice_rounds (
    id            TEXT PRIMARY KEY,
    policy        TEXT NOT NULL,
    policy_digest TEXT NOT NULL,
    input_digest  TEXT NOT NULL,
    committed_at  TEXT NOT NULL,
    cases         BIGINT NOT NULL,
    granted       TEXT NOT NULL
);
CREATE TABLE zhice_awards (
    round     TEXT NOT NULL REFERENCES zhice_rounds(id),
    line      BIGINT NOT NULL,
    applicant TEXT NOT NULL,
    case_id   TEXT NOT NULL,
    award     TEXT NOT NULL,
    year      BIGINT NOT NULL,
    item      TEXT,
    amount    TEXT NOT NULL
);
CREATE INDEX zhice_awards_by_round ON zhice_awards (round);
CREATE INDEX zhice_awards_by_applicant ON zhice_awards (applicant);
CREATE TABLE zhice_round_ledgers (
    round  TEXT PRIMARY KEY REFERENCES zhice_rounds(id),
    awards TEXT NOT NULL
);
CREATE TABLE zhice_pool_usage (
    round  TEXT NOT NULL REFERENCES zhice_rounds(id),
    pool   TEXT NOT NULL,
    period TEXT NOT NULL,
    amount TEXT NOT NULL
);
CREATE TABLE zhice_voids (
    round     TEXT PRIMARY KEY REFERENCES zhice_rounds(id),
    reason    TEXT NOT NULL,
    voided_at TEXT NOT NULL
);
"#];

/// The rounds of a policy that count: committed and not voided.
pub const LIVE_ROUNDS: &str =
    "SELECT id FROM zhice_rounds r WHERE r.policy = $1 AND NOT EXISTS (SELECT 1 FROM zhice_voids v WHERE v.round = r.id) ORDER BY committed_at, id";
/// The awards of one round, packed (`record::pack`), as a round's ledgers read them.
pub const ROUND_LEDGER: &str = "SELECT awards FROM zhice_round_ledgers WHERE round = $1";
pub const INSERT_LEDGER: &str = "INSERT INTO zhice_round_ledgers (round, awards) VALUES ($1, $2)";
/// What one round took from the pools.
pub const ROUND_POOLS: &str = "SELECT pool, period, amount FROM zhice_pool_usage WHERE round = $1";
pub const FIND_ROUND: &str = "SELECT policy, policy_digest, input_digest, committed_at FROM zhice_rounds WHERE id = $1";
pub const INSERT_ROUND: &str = "INSERT INTO zhice_rounds (id, policy, policy_digest, input_digest, committed_at, cases, granted) VALUES ($1, $2, $3, $4, $5, $6, $7)";
/// Award rows written by one statement: a round trip per row would make a
/// million-award round on a server a matter of minutes.
pub const AWARDS_AT_ONCE: usize = 512;

/// The statement that writes `n` award rows: eight parameters per row.
pub fn insert_awards(n: usize) -> String {
    let mut sql =
        String::from("INSERT INTO zhice_awards (round, line, applicant, case_id, award, year, item, amount) VALUES ");
    for r in 0..n {
        if r > 0 {
            sql.push_str(", ");
        }
        let p = r * 8;
        sql.push_str(&format!(
            "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
            p + 1,
            p + 2,
            p + 3,
            p + 4,
            p + 5,
            p + 6,
            p + 7,
            p + 8
        ));
    }
    sql
}
pub const INSERT_POOL: &str = "INSERT INTO zhice_pool_usage (round, pool, period, amount) VALUES ($1, $2, $3, $4)";
pub const FIND_VOID: &str = "SELECT reason, voided_at FROM zhice_voids WHERE round = $1";
pub const INSERT_VOID: &str = "INSERT INTO zhice_voids (round, reason, voided_at) VALUES ($1, $2, $3)";
/// Every round, oldest first, with its void if any.
pub const ALL_ROUNDS: &str = "SELECT r.id, r.policy, r.policy_digest, r.input_digest, r.committed_at, r.cases, r.granted, v.reason, v.voided_at FROM zhice_rounds r LEFT JOIN zhice_voids v ON v.round = r.id ORDER BY r.committed_at, r.id";
/// One applicant's awards, oldest first, with the round's policy and whether it was voided.
pub const APPLICANT_AWARDS: &str = "SELECT a.round, r.policy, r.policy_digest, r.committed_at, a.applicant, a.case_id, a.award, a.year, a.item, a.amount, (SELECT COUNT(*) FROM zhice_voids v WHERE v.round = a.round) FROM zhice_awards a JOIN zhice_rounds r ON r.id = a.round WHERE a.applicant = $1 ORDER BY r.committed_at, a.round, a.line, a.award";
/// Every award, for an export: the same columns.
pub const EVERY_AWARD: &str = "SELECT a.round, r.policy, r.policy_digest, r.committed_at, a.applicant, a.case_id, a.award, a.year, a.item, a.amount, (SELECT COUNT(*) FROM zhice_voids v WHERE v.round = a.round) FROM zhice_awards a JOIN zhice_rounds r ON r.id = a.round ORDER BY r.committed_at, a.round, a.line, a.award";
/// What every live round took from the pools, per policy, pool and period.
pub const POOL_USAGE: &str = "SELECT r.policy, u.pool, u.period, u.amount FROM zhice_pool_usage u JOIN zhice_rounds r ON r.id = u.round WHERE NOT EXISTS (SELECT 1 FROM zhice_voids v WHERE v.round = u.round) ORDER BY r.policy, u.pool, u.period";
