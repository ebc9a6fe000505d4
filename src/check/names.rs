//! Where each name is declared and used, as the checker resolved it: what an
//! editor needs for hover, go to definition, find references and rename.
//! Uses are recorded at the one place each kind of name is resolved; the
//! declarations are read off the AST.

use crate::span::Span;
use crate::syntax::ast;

/// What a name refers to. Symbols are compared by kind and name, so a use
/// matches its declaration whatever else failed to check.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Symbol {
    Input(String),
    Param(String),
    Value(String),
    Measure(String),
    Rule(String),
    Pool(String),
    Benefit(String),
    Enum(String),
    /// enum, value
    EnumValue(String, String),
    Record(String),
    /// record, field
    Field(String, String),
    /// the item bound by `each`, an aggregate or a quantifier, known by where it is bound
    Local(Span),
}

/// One occurrence of a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameUse {
    pub span: Span,
    pub symbol: Symbol,
    /// the occurrence that declares it
    pub decl: bool,
    /// in the sibling `.tests` file rather than the policy
    pub in_tests: bool,
}

/// Every declaration in a policy file.
pub fn declarations(file: &ast::File) -> Vec<NameUse> {
    let mut out = Vec::new();
    let mut decl = |span: Span, symbol: Symbol| {
        out.push(NameUse {
            span,
            symbol,
            decl: true,
            in_tests: false,
        })
    };
    for e in &file.enums {
        decl(e.name.span, Symbol::Enum(e.name.node.clone()));
        for (v, _) in &e.values {
            decl(v.span, Symbol::EnumValue(e.name.node.clone(), v.node.clone()));
        }
    }
    for r in &file.records {
        decl(r.name.span, Symbol::Record(r.name.node.clone()));
        for f in &r.fields {
            decl(f.name.span, Symbol::Field(r.name.node.clone(), f.name.node.clone()));
        }
    }
    for i in &file.inputs {
        decl(i.name.span, Symbol::Input(i.name.node.clone()));
    }
    for p in &file.params {
        decl(p.name.span, Symbol::Param(p.name.node.clone()));
    }
    for v in &file.values {
        decl(v.name.span, Symbol::Value(v.name.node.clone()));
    }
    for m in &file.measures {
        decl(m.id.span, Symbol::Measure(m.id.node.clone()));
    }
    for r in &file.rules {
        decl(r.id.span, Symbol::Rule(r.id.node.clone()));
    }
    for p in &file.pools {
        decl(p.id.span, Symbol::Pool(p.id.node.clone()));
    }
    for b in &file.benefits {
        decl(b.id.span, Symbol::Benefit(b.id.node.clone()));
    }
    out
}
