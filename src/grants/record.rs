//! A round's grants as the registry's rows: one per award, and for a per-item
//! award (`each … once per KEY`) one per item paid, so that a later round
//! knows which items were paid.

use crate::batch::Granted;
use crate::compile::Program;
use rust_decimal::Decimal;

/// One row of `zhice_awards`, before it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: usize,
    pub applicant: String,
    pub case_id: String,
    pub award: String,
    pub year: i32,
    pub item: Option<String>,
    pub amount: Decimal,
}

/// The rows of one case's grants. An award granted less than its items came
/// to (a cap on the award, a pool's share) is given to its items in the
/// case's order, each up to what its rule gave, until the award is used up:
/// an item that gets nothing is not paid, and stays open for a later round.
/// What an award pays beyond its items is a row with no item.
pub fn rows_of(program: &Program, g: &Granted) -> Vec<Row> {
    let mut rows = Vec::new();
    for &(m, granted) in &g.awards {
        let row = |item: Option<String>, amount: Decimal| Row {
            line: g.line,
            applicant: g.applicant.clone(),
            case_id: g.id.clone(),
            award: program.policy.measures[m].id.clone(),
            year: g.year,
            item,
            amount,
        };
        let mut left = granted;
        for it in g.items.iter().filter(|it| it.measure == m) {
            let amount = it.amount.min(left);
            if amount > Decimal::ZERO {
                rows.push(row(Some(it.item.clone()), amount));
                left -= amount;
            }
        }
        if left > Decimal::ZERO {
            rows.push(row(None, left));
        }
    }
    rows
}
