//! Two items that cite one clause quote it alike: the same words, or one a
//! part of the other (the sentence a measure implements, `…` for the rest).

use crate::diagnostic::Diagnostic;
use crate::span::Spanned;
use crate::syntax::ast;

pub const CLAUSE_COPY: &str = "zhice::lint::clause-copy";

/// Items that cite one clause reference must carry the same text.
pub(super) fn copies(file: &ast::File) -> Vec<Diagnostic> {
    let texts = file
        .measures
        .iter()
        .map(|m| (&m.clause, &m.text))
        .chain(file.rules.iter().map(|r| (&r.clause, &r.text)))
        .chain(file.pools.iter().map(|p| (&p.clause, &p.text)))
        .chain(file.benefits.iter().map(|b| (&b.clause, &b.text)))
        .chain(file.clauses.iter().map(|c| (&c.clause, &c.text)));
    let mut first: Vec<(&str, &Spanned<String>)> = Vec::new();
    let mut out = Vec::new();
    for (clause, text) in texts {
        let Some(text) = text else { continue };
        match first.iter().find(|(c, _)| *c == clause.node) {
            Some((_, earlier)) if !quotes_alike(&earlier.node, &text.node) => out.push(
                Diagnostic::warning(
                    CLAUSE_COPY,
                    words!("two items cite %{clause} with different text", clause = clause.node),
                    text.span,
                )
                .label(words!("this copy of the clause"))
                .related(earlier.span, words!("differs from this one"))
                .help(words!("quote the clause verbatim: a copy may quote part of it (the sentence a measure implements, `…` for what it leaves out), never other words")),
            ),
            Some(_) => {}
            None => first.push((&clause.node, text)),
        }
    }
    out
}

/// Two quotes of one clause agree when one is the other, or a part of it: each
/// piece of the shorter (between `…`) is in the longer. Spaces do not count.
fn quotes_alike(a: &str, b: &str) -> bool {
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let (a, b) = (squeeze(a), squeeze(b));
    let within = |part: &str, whole: &str| {
        part.split(['…', '⋯'])
            .map(|p| p.trim_matches('.'))
            .filter(|p| !p.is_empty())
            .all(|p| whole.contains(p))
    };
    within(&a, &b) || within(&b, &a)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_quote_may_be_part_of_its_clause() {
        let whole = "支持中小微企业购买模型服务和算力服务，并分别给予模型券、算力券支持。单个企业年度模型券和算力券补贴金额分别不超过30万元和50万元。";
        assert!(super::quotes_alike(whole, whole));
        assert!(super::quotes_alike(
            whole,
            "单个企业年度模型券和算力券补贴金额分别不超过30万元和50万元。"
        ));
        assert!(super::quotes_alike(
            "…购买模型服务和算力服务…分别不超过30万元和50万元。",
            whole
        ));
        assert!(!super::quotes_alike(whole, "单个企业年度补贴金额不超过80万元。"));
        assert!(!super::quotes_alike("…购买模型服务…不超过60万元…", whole));
    }
}
