//! A policy stated as changes to another (`amends "base.policy"`): the base's
//! text and the overlay's are read as one, the base first, so that every span
//! points into that one text; then each item of the overlay replaces the
//! base's item of the same name where it stood, or is added after the base's.
//! The base's own tests do not carry over: a reform changes what they expect.

use super::ast::*;

/// The text the overlay is read in: the base, a newline, the overlay. Spans at
/// or after `overlay_start(base)` are the overlay's.
pub fn combined(base: &str, overlay: &str) -> String {
    format!("{base}\n{overlay}")
}

/// Where the overlay's text starts in `combined(base, …)`.
pub fn overlay_start(base: &str) -> usize {
    base.len() + 1
}

/// Merges the overlay items of `file` (read from `combined`) into its base's.
pub fn merge(mut file: File, start: usize) -> File {
    let Some(over) = file.overlay_header.take() else {
        return file;
    };
    file.header = Some(match file.header.take() {
        Some(base) => Header {
            title: over.title,
            amends: over.amends,
            version: over.version.or(base.version),
            effective: over.effective.or(base.effective),
            in_force: over.in_force.or(base.in_force),
            currency: over.currency.or(base.currency),
            rounding: over.rounding.or(base.rounding),
            span: over.span,
        },
        None => over,
    });
    let after = |s: crate::span::Span| s.start >= start;
    file.enums = replace(
        std::mem::take(&mut file.enums),
        |d| (&d.name.node, after(d.span)),
        |_, _| {},
    );
    file.records = replace(
        std::mem::take(&mut file.records),
        |d| (&d.name.node, after(d.span)),
        |_, _| {},
    );
    file.inputs = replace(
        std::mem::take(&mut file.inputs),
        |d| (&d.name.node, after(d.span)),
        |new, old| {
            if new.label.is_none() {
                new.label = old.label.clone();
            }
        },
    );
    file.params = replace(
        std::mem::take(&mut file.params),
        |d| (&d.name.node, after(d.span)),
        |new, old| {
            if new.label.is_none() {
                new.label = old.label.clone();
            }
        },
    );
    file.values = replace(
        std::mem::take(&mut file.values),
        |d| (&d.name.node, after(d.span)),
        |new, old| {
            if new.label.is_none() {
                new.label = old.label.clone();
            }
        },
    );
    file.measures = replace(
        std::mem::take(&mut file.measures),
        |d| (&d.id.node, after(d.span)),
        |_, _| {},
    );
    file.rules = replace(
        std::mem::take(&mut file.rules),
        |d| (&d.id.node, after(d.span)),
        |_, _| {},
    );
    file.pools = replace(
        std::mem::take(&mut file.pools),
        |d| (&d.id.node, after(d.span)),
        |_, _| {},
    );
    file.benefits = replace(
        std::mem::take(&mut file.benefits),
        |d| (&d.id.node, after(d.span)),
        |_, _| {},
    );
    file.clauses = replace(
        std::mem::take(&mut file.clauses),
        |d| (&d.id.node, after(d.span)),
        |_, _| {},
    );
    file.tests.retain(|t| after(t.span));
    file
}

/// The base's items in their order, each replaced by the overlay's item of its
/// name (`keep` carries over what the overlay leaves unsaid), then the overlay's new items.
fn replace<T>(items: Vec<T>, key: impl Fn(&T) -> (&String, bool), keep: impl Fn(&mut T, &T)) -> Vec<T> {
    let (mut overlay, base): (Vec<Option<T>>, Vec<T>) = {
        let (o, b): (Vec<T>, Vec<T>) = items.into_iter().partition(|x| key(x).1);
        (o.into_iter().map(Some).collect(), b)
    };
    let mut out = Vec::with_capacity(base.len() + overlay.len());
    for old in base {
        let name = key(&old).0.clone();
        match overlay
            .iter_mut()
            .find(|n| n.as_ref().is_some_and(|n| *key(n).0 == name))
        {
            Some(slot) => {
                if let Some(mut new) = slot.take() {
                    keep(&mut new, &old);
                    out.push(new);
                }
            }
            None => out.push(old),
        }
    }
    out.extend(overlay.into_iter().flatten());
    out
}
