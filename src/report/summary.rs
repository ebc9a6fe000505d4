//! A run's summary (`eval --summary`, `--summary-json`): as a document for
//! people, and as JSON for programs.

use crate::check::model::RationRule;
use crate::compile::Program;
use crate::number::money;
use crate::pool::{self, Settled};
use crate::report::doc::{self, text_of, Align, Block, Doc, Inline, Table};
use crate::run::summary::Summary;

/// A run's summary as a document: cases, each award's recipients and sums,
/// the pools, and what went wrong.
pub fn document(program: &Program, s: &Summary, settled: &Settled) -> Doc {
    let title = t!(
        "cases %{cases}, evaluated %{evaluated}, with errors %{rejected}",
        cases = s.cases,
        evaluated = s.cases - s.rejected,
        rejected = s.rejected
    )
    .into_owned();
    let mut blocks = Vec::new();
    let repeated = s.duplicate_ids();
    if !repeated.is_empty() {
        let shown: Vec<String> = repeated
            .iter()
            .take(10)
            .map(|(first, line)| t!("line %{line} (as line %{first})", line = line, first = first).into_owned())
            .collect();
        let more = if repeated.len() > shown.len() { "…" } else { "" };
        blocks.push(Block::Para(text_of(t!(
            "warning: %{count} case(s) repeat the id of an earlier case: %{lines}%{more}",
            count = repeated.len(),
            lines = shown.join(", "),
            more = more
        ))));
    }
    let rows = program
        .policy
        .measures
        .iter()
        .zip(&s.awards)
        .map(|(m, a)| {
            vec![
                vec![Inline::Code(m.id.clone())],
                text_of(a.recipients.to_string()),
                text_of(money(a.total)),
                text_of(mean(a.total, a.recipients).map(money).unwrap_or_else(|| "—".into())),
                text_of(money(a.max)),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        head: vec![
            t!("award").into(),
            t!("recipients").into(),
            t!("total").into(),
            t!("mean").into(),
            t!("max").into(),
        ],
        align: vec![Align::Left, Align::Right, Align::Right, Align::Right, Align::Right],
        rows,
    }));
    blocks.push(Block::Para(text_of(t!(
        "grand total %{amount}",
        amount = money(s.total)
    ))));
    for (&(p, period), a) in &settled.allocations {
        let pool = &program.policy.pools[p];
        let how = match (&pool.ration, a.exceeded) {
            (_, false) => t!(", not exceeded").into_owned(),
            (RationRule::InOrder { key, words, .. }, true) => t!(
                ", exceeded: paid in order of %{key}, %{words}",
                key = key.name(&program.policy),
                words = words
            )
            .into_owned(),
            (_, true) => t!(", exceeded: factor %{factor}", factor = a.factor()).into_owned(),
        };
        blocks.push(Block::Para(text_of(t!(
            "pool %{pool} %{period}: %{available} for this round, demand %{demand} from %{applicants} applicant(s), granted %{granted}%{how}",
            pool = pool.id,
            period = pool::period_name(pool, period),
            available = money(a.available),
            demand = money(a.demand),
            applicants = a.applicants,
            granted = money(a.granted),
            how = how
        ))));
    }
    if s.overflowed {
        blocks.push(Block::Para(text_of(t!(
            "warning: a sum left the decimal range; the figures above are incomplete"
        ))));
    }
    Doc {
        title,
        subtitle: Vec::new(),
        blocks,
    }
}

/// The summary for a terminal.
pub fn text(program: &Program, s: &Summary, settled: &Settled) -> String {
    doc::text(&document(program, s, settled), doc::Style { color: false })
}

/// The mean amount per recipient, rounded to 0.01.
fn mean(total: rust_decimal::Decimal, n: u64) -> Option<rust_decimal::Decimal> {
    (n > 0)
        .then(|| total.checked_div(n.into()).map(|m| m.round_dp(2)))
        .flatten()
}

pub fn json(program: &Program, s: &Summary, settled: &Settled) -> serde_json::Value {
    let awards: serde_json::Map<String, serde_json::Value> = program
        .policy
        .measures
        .iter()
        .zip(&s.awards)
        .map(|(m, a)| {
            let v = serde_json::json!({
                "recipients": a.recipients,
                "total": a.total.to_string(),
                "mean": mean(a.total, a.recipients).map(|m| m.to_string()),
                "max": a.max.to_string(),
            });
            (m.id.clone(), v)
        })
        .collect();
    let pools: Vec<serde_json::Value> = settled
        .allocations
        .iter()
        .map(|(&(p, period), a)| {
            let pool = &program.policy.pools[p];
            serde_json::json!({
                "pool": pool.id,
                "period": pool::period_name(pool, period),
                "amount": a.amount.to_string(),
                "granted_before": a.before.to_string(),
                "available": a.available.to_string(),
                "demand": a.demand.to_string(),
                "applicants": a.applicants,
                "exceeded": a.exceeded,
                "factor": a.factor().to_string(),
                "granted": a.granted.to_string(),
            })
        })
        .collect();
    serde_json::json!({
        "pools": pools,
        "cases": s.cases,
        "evaluated": s.cases - s.rejected,
        "with_errors": s.rejected,
        "awards": awards,
        "total": s.total.to_string(),
        "complete": !s.overflowed,
        "repeated_ids": s
            .duplicate_ids()
            .iter()
            .map(|(first, line)| serde_json::json!({"line": line, "same_id_as_line": first}))
            .collect::<Vec<_>>(),
    })
}
