//! Warnings about what is declared but never read.

use super::Checker;
use crate::diagnostic::Diagnostic;
use crate::syntax::ast;

impl Checker {
    pub(super) fn lint_unused(&mut self, file: &ast::File) {
        let unused_inputs: Vec<_> = file
            .inputs
            .iter()
            .filter(|decl| {
                self.inputs
                    .iter()
                    .position(|i| i.name == decl.name.node && i.span == decl.name.span)
                    .is_some_and(|i| !self.used_inputs[i])
            })
            .map(|decl| decl.name.clone())
            .collect();
        for name in unused_inputs {
            self.error(
                Diagnostic::warning(
                    "zhice::lint::unused-input",
                    format!("input `{}` is never used", name.node),
                    name.span,
                )
                .label("declared but not read by any measure or benefit")
                .help("cases may still give it; remove it if no clause needs it"),
            );
        }
        let unused_params: Vec<_> = self
            .params
            .iter()
            .zip(&self.used_params)
            .filter(|(_, used)| !**used)
            .map(|(p, _)| (p.name.clone(), p.span))
            .collect();
        for (name, span) in unused_params {
            self.error(
                Diagnostic::warning(
                    "zhice::lint::unused-param",
                    format!("parameter `{name}` is never used"),
                    span,
                )
                .label("declared but not read")
                .help("use it in a measure, or remove it"),
            );
        }
    }
}
