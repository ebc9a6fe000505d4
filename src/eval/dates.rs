//! Time between dates and dates moved by a period: the counting rules live in
//! `crate::date`; here they meet the case's values and the trace.

use super::expr::Cx;
use super::trace::StepKind;
use super::{code, EvalError};
use crate::check::model::Expr;
use crate::date::Date;
use crate::syntax::ast::DatePart;
use crate::value::Value;

impl Cx<'_> {
    /// `the years from A to B`: whole years, months or days; not given when a date is not.
    pub(super) fn between(&mut self, e: &Expr, unit: DatePart, a: &Expr, b: &Expr) -> Result<Value, EvalError> {
        let (from, to) = match (self.eval(a)?, self.eval(b)?) {
            (Value::Date(x), Value::Date(y)) => (x, y),
            (Value::Absent, _) | (_, Value::Absent) => return Ok(Value::Absent),
            _ => return Err(self.internal("a span between values that are not dates")),
        };
        let count = match unit {
            DatePart::Year => from.months_until(to) / 12,
            DatePart::Month => from.months_until(to),
            DatePart::Day => to.unix_days() - from.unix_days(),
        };
        self.step(e, unit, from, to, count, false);
        Ok(Value::Int(count))
    }

    /// `D + N years` (a negative N for `-`): the date moved; an error beyond the years 1 to 9999.
    pub(super) fn shift(&mut self, e: &Expr, date: &Expr, n: &Expr, unit: DatePart) -> Result<Value, EvalError> {
        let from = match self.eval(date)? {
            Value::Date(d) => d,
            Value::Absent => return Ok(Value::Absent),
            _ => return Err(self.internal("a shift of a value that is not a date")),
        };
        let count = self.int(n)?;
        let moved = match unit {
            DatePart::Year => count.checked_mul(12).and_then(|m| from.plus_months(m)),
            DatePart::Month => from.plus_months(count),
            DatePart::Day => from.plus_days(count),
        };
        let Some(to) = moved else {
            return Err(self.fail(
                code::DATE_RANGE,
                e.span,
                words!("the date falls outside the years 1 to 9999"),
            ));
        };
        self.step(e, unit, from, to, count, true);
        Ok(Value::Date(to))
    }

    fn step(&mut self, e: &Expr, unit: DatePart, from: Date, to: Date, count: i64, shift: bool) {
        if self.trace.recording() {
            let span = e.span;
            self.trace.push(|| StepKind::Calendar {
                span,
                unit,
                from,
                to,
                count,
                shift,
            });
        }
    }
}
