//! The ledger of a case (`prior_awards`): what the applicant already received,
//! each entry checked against the policy's award ids.

use super::{err, looks_numeric, money, show, unknown_field, Decoder, Path, LEDGER_FIELDS};
use crate::diagnostic::closest;
use crate::eval::json::{Cursor, JsonError};
use crate::eval::value::LedgerEntry;
use rust_decimal::Decimal;
use std::sync::Arc;

impl Decoder<'_> {
    pub(super) fn ledger(&mut self, c: &mut Cursor) -> Result<Vec<LedgerEntry>, JsonError> {
        if c.null() {
            return Ok(Vec::new());
        }
        if c.peek() != Some(b'[') {
            let start = c.pos();
            c.skip(1)?;
            let text = show(c.slice(start, c.pos()));
            self.errors.push(err(
                "prior_awards",
                format!("expected a list of prior awards, got {text}"),
            ));
            return Ok(Vec::new());
        }
        c.expect(b'[')?;
        let mut out = Vec::new();
        if c.eat(b']') {
            return Ok(out);
        }
        let mut i = 0;
        loop {
            if let Some(entry) = self.ledger_entry(c, Path::Index(&Path::Top("prior_awards"), i))? {
                out.push(entry);
            }
            i += 1;
            if c.eat(b']') {
                return Ok(out);
            }
            c.expect(b',')?;
        }
    }

    fn ledger_entry(&mut self, c: &mut Cursor, path: Path) -> Result<Option<LedgerEntry>, JsonError> {
        if c.peek() != Some(b'{') {
            let start = c.pos();
            c.skip(1)?;
            let text = show(c.slice(start, c.pos()));
            self.errors.push(err(
                path,
                format!("expected {{\"award\", \"year\", \"amount\"}}, got {text}"),
            ));
            return Ok(None);
        }
        let (mut award, mut year, mut amount, mut item) = (None, None, None, None);
        let mut seen = [false; 4];
        c.expect(b'{')?;
        if !c.eat(b'}') {
            loop {
                let key = c.string()?;
                c.expect(b':')?;
                let field = Path::Field(&path, &key);
                match LEDGER_FIELDS.iter().position(|f| *f == key.as_ref()) {
                    Some(k) if seen[k] => {
                        self.errors.push(err(field, "given twice in one prior award"));
                        c.skip(1)?;
                    }
                    Some(0) => {
                        seen[0] = true;
                        award = self.award_id(c, field)?;
                    }
                    Some(1) => {
                        seen[1] = true;
                        year = self.year(c, field)?;
                    }
                    Some(2) => {
                        seen[2] = true;
                        amount = self.paid(c, field)?;
                    }
                    Some(_) => {
                        seen[3] = true;
                        item = match c.peek() {
                            Some(b'"') => Some(Arc::from(c.string()?.as_ref())),
                            Some(b'-' | b'0'..=b'9') => Some(Arc::from(c.number()?)),
                            _ if c.null() => None,
                            _ => {
                                let start = c.pos();
                                c.skip(1)?;
                                let text = show(c.slice(start, c.pos()));
                                self.errors.push(err(field, format!("expected a string, got {text}")));
                                None
                            }
                        };
                    }
                    None => {
                        let whose = "the fields of a prior award (award, year, amount, item)";
                        self.errors
                            .push(unknown_field(field, &key, whose, LEDGER_FIELDS.into_iter()));
                        c.skip(1)?;
                    }
                }
                if c.eat(b'}') {
                    break;
                }
                c.expect(b',')?;
            }
        }
        for (k, what) in [
            (0, "expected the award id as a string"),
            (1, "missing: the year it was paid"),
            (2, "expected the amount paid in yuan"),
        ] {
            if !seen[k] {
                self.errors.push(err(Path::Field(&path, LEDGER_FIELDS[k]), what));
            }
        }
        Ok(match (award, year, amount) {
            (Some(award), Some(year), Some(amount)) => Some(LedgerEntry {
                award,
                year,
                amount,
                item,
            }),
            _ => None,
        })
    }

    fn award_id(&mut self, c: &mut Cursor, path: Path) -> Result<Option<usize>, JsonError> {
        if c.peek() != Some(b'"') {
            c.skip(1)?;
            self.errors.push(err(path, "expected the award id as a string"));
            return Ok(None);
        }
        let id = c.string()?;
        if let Some(&m) = self.schema.awards.get(id.as_ref()) {
            return Ok(Some(m));
        }
        let hint = closest(&id, self.policy.measures.iter().map(|m| m.id.as_str()))
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        self.errors
            .push(err(path, format!("`{id}` is not an award of this policy{hint}")));
        Ok(None)
    }

    fn paid(&mut self, c: &mut Cursor, path: Path) -> Result<Option<Decimal>, JsonError> {
        let start = c.pos();
        let d = match c.peek() {
            Some(b'-' | b'0'..=b'9') => money(c.number()?),
            Some(b'"') => {
                let s = c.string()?;
                if looks_numeric(s.trim()) {
                    money(s.trim())
                } else {
                    Err("expected the amount paid in yuan".into())
                }
            }
            _ => {
                c.skip(1)?;
                Err(format!(
                    "expected the amount paid in yuan, got {}",
                    show(c.slice(start, c.pos()))
                ))
            }
        };
        match d {
            Ok(d) if d >= Decimal::ZERO => Ok(Some(d)),
            Ok(_) => {
                self.errors.push(err(path, "must be at least 0"));
                Ok(None)
            }
            Err(e) => {
                self.errors.push(err(path, e));
                Ok(None)
            }
        }
    }
}
