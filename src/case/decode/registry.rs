//! A case read against the grant registry: its `applicant`, and the ledger
//! the registry holds for it in place of any of its own.

use super::{show, Decoder};
use crate::case::json::{Cursor, JsonError};
use crate::case::registered::APPLICANT;
use crate::case::{code, Case, LedgerEntry};

impl Decoder<'_, '_> {
    /// The `applicant` field: a text, kept in the case's texts.
    pub(super) fn applicant(&mut self, c: &mut Cursor, out: &mut Case) -> Result<(), JsonError> {
        if out.applicant.is_some() {
            self.push(APPLICANT, code::DUPLICATE, words!("given twice in one case"));
            return c.skip(0);
        }
        let text = match c.peek() {
            Some(b'"') => c.string()?,
            Some(b'-' | b'0'..=b'9') => c.number()?.into(),
            _ => {
                let start = c.pos();
                c.skip(1)?;
                let text = show(c.slice(start, c.pos()));
                self.push(
                    APPLICANT,
                    code::TYPE,
                    words!("expected the applicant as a string, got %{text}", text = text),
                );
                return Ok(());
            }
        };
        if text.trim().is_empty() {
            self.push(
                APPLICANT,
                code::MISSING,
                words!("empty: the registry keeps each applicant's awards under this name"),
            );
            return Ok(());
        }
        out.applicant = self.keep_text(&text);
        Ok(())
    }

    /// `prior_awards` given where the registry holds the ledger: refused, read past.
    pub(super) fn own_ledger(&mut self, c: &mut Cursor) -> Result<(), JsonError> {
        self.push(
            "prior_awards",
            code::REGISTERED,
            words!("a round against the registry takes each applicant's past awards from the registry: remove `prior_awards` here (`zhice registry import` takes a ledger in)"),
        );
        c.skip(0)
    }

    /// The ledger of the case's applicant, from the registry.
    pub(super) fn registered_ledger(&mut self, out: &mut Case) {
        // the reader outlives this decoder: its registry is borrowed from it, not from `self`
        let reader = self.r;
        let Some(registered) = &reader.registered else {
            return;
        };
        let Some(name) = out.applicant else {
            self.push(
                APPLICANT,
                code::MISSING,
                words!("missing: a round against the registry names each case's applicant"),
            );
            return;
        };
        let name = self.text.get(name.range()).unwrap_or("").to_string();
        for past in registered.of(&name) {
            let item = past.item.as_deref().and_then(|i| self.keep_text(i));
            out.ledger.push(LedgerEntry {
                award: past.award,
                year: past.year,
                amount: past.amount,
                item,
            });
        }
    }
}
