//! The ledger of a case (`prior_awards`): what the applicant already received,
//! each entry checked against the policy's award ids.

use super::code;
use super::decode::{
    bare_prefix, decimal, looks_numeric, quoted_prefix, show, unknown_field, Decoder, Path, LEDGER_FIELDS,
};
use super::json::{Cursor, JsonError};
use super::LedgerEntry;
use crate::diagnostic::closest;
use rust_decimal::Decimal;
use std::borrow::Cow;

impl Decoder<'_, '_> {
    /// The ledger, appended to `out`.
    pub(super) fn ledger(&mut self, c: &mut Cursor, out: &mut Vec<LedgerEntry>) -> Result<(), JsonError> {
        if c.null() {
            return Ok(());
        }
        if c.peek() != Some(b'[') {
            let start = c.pos();
            c.skip(1)?;
            let text = show(c.slice(start, c.pos()));
            self.push(
                "prior_awards",
                code::TYPE,
                words!("expected a list of prior awards, got %{text}", text = text),
            );
            return Ok(());
        }
        c.expect(b'[')?;
        if c.eat(b']') {
            return Ok(());
        }
        let mut i = 0;
        loop {
            if let Some(entry) = self.ledger_entry(c, Path::Index(&Path::Top("prior_awards"), i))? {
                out.push(entry);
            }
            i += 1;
            if c.eat(b']') {
                return Ok(());
            }
            c.expect(b',')?;
        }
    }

    fn ledger_entry(&mut self, c: &mut Cursor, path: Path) -> Result<Option<LedgerEntry>, JsonError> {
        if c.peek() != Some(b'{') {
            let start = c.pos();
            c.skip(1)?;
            let text = show(c.slice(start, c.pos()));
            self.push(
                path,
                code::TYPE,
                words!("expected {\"award\", \"year\", \"amount\"}, got %{text}", text = text),
            );
            return Ok(None);
        }
        let (mut award, mut year, mut amount, mut item) = (None, None, None, None);
        let mut seen = [false; 4];
        c.expect(b'{')?;
        if !c.eat(b'}') {
            loop {
                // A field is found by its name where it stands; one written with escapes once read.
                let (found, key) = match c.known(|t, at| self.r.ledger_keys.at(t, at).map(|(k, n)| (*k, n))) {
                    Some((k, name)) => (Some(k), Cow::Borrowed(name)),
                    None => {
                        let key = c.string()?;
                        (self.r.ledger_keys.get(key.as_ref()).copied(), key)
                    }
                };
                c.expect(b':')?;
                let field = Path::Field(&path, &key);
                match found {
                    Some(k) if seen[k] => {
                        self.push(field, code::DUPLICATE, words!("given twice in one prior award"));
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
                            Some(b'"') => {
                                let s = c.string()?;
                                self.keep_text(&s)
                            }
                            Some(b'-' | b'0'..=b'9') => {
                                let n = c.number()?;
                                self.keep_text(n)
                            }
                            _ if c.null() => None,
                            _ => {
                                let start = c.pos();
                                c.skip(1)?;
                                let text = show(c.slice(start, c.pos()));
                                self.push(field, code::TYPE, words!("expected a string, got %{text}", text = text));
                                None
                            }
                        };
                    }
                    None => {
                        let whose = t!("the fields of a prior award (award, year, amount, item)");
                        self.errors
                            .push(unknown_field(field, &key, &whose, LEDGER_FIELDS.into_iter()));
                        c.skip(1)?;
                    }
                }
                if c.eat(b'}') {
                    break;
                }
                c.expect(b',')?;
            }
        }
        // award, year and amount are required; the item is not
        for (k, seen) in seen.iter().enumerate().take(3) {
            if !seen {
                let what = match k {
                    0 => words!("missing: the award id"),
                    1 => words!("missing: the year it was paid"),
                    _ => words!("missing: the amount paid in yuan"),
                };
                self.push(Path::Field(&path, LEDGER_FIELDS[k]), code::MISSING, what);
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
            self.push(path, code::TYPE, words!("expected the award id as a string"));
            return Ok(None);
        }
        // Nearly always an award's very id: found where it stands, not read as a string first.
        if let Some(m) = c.quoted(|t, at| self.r.awards.at(t, at).map(|(m, n)| (*m, n))) {
            return Ok(Some(m));
        }
        let id = c.string()?;
        if let Some(&m) = self.r.awards.get(id.as_ref()) {
            return Ok(Some(m));
        }
        let hint = closest(&id, self.r.policy.measures.iter().map(|m| m.id.as_str()))
            .map(|c| t!("; did you mean `%{c}`?", c = c).into_owned())
            .unwrap_or_default();
        self.push(
            path,
            code::UNKNOWN_AWARD,
            words!("`%{id}` is not an award of this policy%{hint}", id = id, hint = hint),
        );
        Ok(None)
    }

    fn paid(&mut self, c: &mut Cursor, path: Path) -> Result<Option<Decimal>, JsonError> {
        let start = c.pos();
        let next = c.peek();
        // A plain amount, `60000` or `"60000.00"`, is read where it stands: never negative.
        let plain = match next {
            Some(b'0'..=b'9') => c.bare(bare_prefix),
            Some(b'"') => c.quoted(quoted_prefix),
            _ => None,
        };
        if plain.is_some() {
            return Ok(plain);
        }
        let d = match next {
            Some(b'-' | b'0'..=b'9') => decimal(c.number()?),
            Some(b'"') => {
                let s = c.string()?;
                if looks_numeric(s.trim()) {
                    decimal(s.trim())
                } else {
                    Err((code::TYPE, "expected the amount paid in yuan".into()))
                }
            }
            _ => {
                c.skip(1)?;
                Err((
                    code::TYPE,
                    t!(
                        "expected the amount paid in yuan, got %{pos}",
                        pos = show(c.slice(start, c.pos()))
                    )
                    .into_owned(),
                ))
            }
        };
        match d {
            Ok(d) if d >= Decimal::ZERO => Ok(Some(d)),
            Ok(_) => {
                self.push(path, code::RANGE, words!("must be at least 0"));
                Ok(None)
            }
            Err((code, e)) => {
                self.push(path, code, e);
                Ok(None)
            }
        }
    }
}
