//! The names a policy declares, read from its last version that parsed, for
//! completion and the workspace's analysis alike.

use crate::syntax::ast;

/// A name the policy declares, as completion offers it.
#[derive(Debug, Clone)]
pub struct Known {
    pub name: String,
    pub kind: Kind,
    /// its label, or its type
    pub detail: String,
    /// the enum of a value, the record of a field
    pub owner: Option<String>,
    /// for an input: the record its items or value are, if any
    pub record: Option<String>,
    /// for an input or a field: the enum its value is one of, if any
    pub enumeration: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Input,
    Param,
    Value,
    Measure,
    Enum,
    EnumValue,
    Record,
    Field,
}

impl Kind {
    /// LSP's CompletionItemKind
    pub(super) fn code(self) -> u32 {
        match self {
            Kind::Input => 6,      // Variable
            Kind::Param => 21,     // Constant
            Kind::Value => 12,     // Value
            Kind::Measure => 3,    // Function
            Kind::Enum => 13,      // Enum
            Kind::EnumValue => 20, // EnumMember
            Kind::Record => 22,    // Struct
            Kind::Field => 5,      // Field
        }
    }
}

/// The names a parsed file declares.
pub fn known(file: &ast::File, src: &str) -> Vec<Known> {
    let mut out = Vec::new();
    let enum_named = |ty: &ast::TypeExpr| {
        file.enums
            .iter()
            .find(|e| e.name.node == ty.name.node)
            .map(|e| e.name.node.clone())
    };
    let mut add = |name: &str, kind, detail: String, owner: Option<&str>, record: Option<String>, enumeration| {
        out.push(Known {
            name: name.to_string(),
            kind,
            detail,
            owner: owner.map(str::to_string),
            record,
            enumeration,
        })
    };
    let label = |l: &Option<String>, alt: &str| l.clone().unwrap_or_else(|| alt.to_string());
    for i in &file.inputs {
        let ty = i.ty.span.text(src);
        let record = file
            .records
            .iter()
            .find(|r| r.name.node == i.ty.name.node)
            .map(|r| r.name.node.clone());
        add(
            &i.name.node,
            Kind::Input,
            label(&i.label, ty),
            None,
            record,
            enum_named(&i.ty),
        );
    }
    for p in &file.params {
        add(
            &p.name.node,
            Kind::Param,
            label(&p.label, p.value.span.text(src)),
            None,
            None,
            None,
        );
    }
    for v in &file.values {
        add(&v.name.node, Kind::Value, label(&v.label, ""), None, None, None);
    }
    for m in &file.measures {
        add(
            &m.id.node,
            Kind::Measure,
            format!("{} {}", m.clause.node, m.title.node),
            None,
            None,
            None,
        );
    }
    for e in &file.enums {
        add(&e.name.node, Kind::Enum, label(&e.label, ""), None, None, None);
        for (v, l) in &e.values {
            add(&v.node, Kind::EnumValue, label(l, ""), Some(&e.name.node), None, None);
        }
    }
    for r in &file.records {
        add(&r.name.node, Kind::Record, label(&r.label, ""), None, None, None);
        for f in &r.fields {
            add(
                &f.name.node,
                Kind::Field,
                label(&f.label, f.ty.span.text(src)),
                Some(&r.name.node),
                None,
                enum_named(&f.ty),
            );
        }
    }
    out
}
