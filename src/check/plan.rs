//! The order of evaluation: every named value, measure and rule after
//! everything it reads. A measure's amount read by name is its final amount,
//! after every rule across measures that includes it. A cycle is an error that
//! shows the whole loop.

use super::model::*;
use crate::diagnostic::Diagnostic;
use crate::span::Span;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mark {
    New,
    Open,
    Done,
}

/// Values, measures and rules in an order where each comes after what it reads.
pub(super) fn order(
    values: &[&ValueDef],
    measures: &[&Measure],
    rules: &[&RuleDef],
) -> Result<Vec<PlanStep>, Box<Diagnostic>> {
    let g = Graph::new(values, measures, rules);
    let nodes: Vec<PlanStep> = (0..values.len())
        .map(PlanStep::Value)
        .chain((0..measures.len()).map(PlanStep::Measure))
        .chain((0..rules.len()).map(PlanStep::Rule))
        .collect();
    let mut marks = vec![Mark::New; nodes.len()];
    let mut out = Vec::with_capacity(nodes.len());
    for start in 0..nodes.len() {
        if marks[start] != Mark::New {
            continue;
        }
        // Depth-first, with an explicit stack: (node, its dependencies, next to visit).
        let mut stack: Vec<(usize, Vec<usize>, usize)> = vec![(start, g.deps(nodes[start]), 0)];
        marks[start] = Mark::Open;
        while let Some((node, deps, next)) = stack.last_mut() {
            if let Some(&d) = deps.get(*next) {
                *next += 1;
                match marks[d] {
                    Mark::Done => {}
                    Mark::Open => {
                        let from = stack.iter().position(|(n, _, _)| *n == d).unwrap_or(0);
                        let path: Vec<usize> = stack[from..].iter().map(|(n, _, _)| *n).collect();
                        return Err(Box::new(g.cycle(&nodes, &path)));
                    }
                    Mark::New => {
                        marks[d] = Mark::Open;
                        stack.push((d, g.deps(nodes[d]), 0));
                    }
                }
            } else {
                let node = *node;
                marks[node] = Mark::Done;
                out.push(nodes[node]);
                stack.pop();
            }
        }
    }
    Ok(out)
}

struct Graph<'a> {
    values: &'a [&'a ValueDef],
    measures: &'a [&'a Measure],
    rules: &'a [&'a RuleDef],
}

impl<'a> Graph<'a> {
    fn new(values: &'a [&'a ValueDef], measures: &'a [&'a Measure], rules: &'a [&'a RuleDef]) -> Self {
        Graph {
            values,
            measures,
            rules,
        }
    }

    fn index(&self, step: PlanStep) -> usize {
        match step {
            PlanStep::Value(i) => i,
            PlanStep::Measure(i) => self.values.len() + i,
            PlanStep::Rule(i) => self.values.len() + self.measures.len() + i,
        }
    }

    /// The step that leaves measure `m`'s amount as it is after rules `..before`.
    fn amount_after(&self, m: usize, before: usize) -> PlanStep {
        self.rules[..before]
            .iter()
            .rposition(|r| r.members().contains(&m))
            .map_or(PlanStep::Measure(m), PlanStep::Rule)
    }

    /// What an expression reads, as steps.
    fn reads(&self, e: &Expr, out: &mut Vec<usize>) {
        e.walk(&mut |x| match x.kind {
            ExprKind::Value(i) => out.push(self.index(PlanStep::Value(i))),
            ExprKind::Award(m) => out.push(self.index(self.amount_after(m, self.rules.len()))),
            ExprKind::Const(_)
            | ExprKind::Input(_)
            | ExprKind::Param(_)
            | ExprKind::Local(_)
            | ExprKind::CaseYear
            | ExprKind::CaseDate
            | ExprKind::DatePart(..)
            | ExprKind::Between(..)
            | ExprKind::Shift(..)
            | ExprKind::Edge(..)
            | ExprKind::Field(..)
            | ExprKind::Binary(..)
            | ExprKind::Not(_)
            | ExprKind::Neg(_)
            | ExprKind::IsGiven(..)
            | ExprKind::IsValue(..)
            | ExprKind::ToDec(_)
            | ExprKind::Min(_)
            | ExprKind::Max(_)
            | ExprKind::If(..)
            | ExprKind::Round(..)
            | ExprKind::Aggregate(_)
            | ExprKind::Quantified(_)
            | ExprKind::UpTo { .. }
            | ExprKind::Tier { .. }
            | ExprKind::Pick { .. }
            | ExprKind::Each { .. }
            | ExprKind::Bands { .. }
            | ExprKind::Capped { .. } => {}
        });
    }

    fn deps(&self, step: PlanStep) -> Vec<usize> {
        let mut out = Vec::new();
        match step {
            PlanStep::Value(i) => self.reads(&self.values[i].expr, &mut out),
            PlanStep::Measure(i) => self.measures[i].exprs().for_each(|e| self.reads(e, &mut out)),
            PlanStep::Rule(r) => {
                for &m in self.rules[r].members() {
                    out.push(self.index(self.amount_after(m, r)));
                }
                self.rules[r].exprs().for_each(|e| self.reads(e, &mut out));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    fn name(&self, step: PlanStep) -> (&str, Span) {
        match step {
            PlanStep::Value(i) => (&self.values[i].name, self.values[i].span),
            PlanStep::Measure(i) => (&self.measures[i].id, self.measures[i].id_span),
            PlanStep::Rule(i) => (&self.rules[i].id, self.rules[i].id_span),
        }
    }

    fn cycle(&self, nodes: &[PlanStep], path: &[usize]) -> Diagnostic {
        let names: Vec<&str> = path
            .iter()
            .chain(path.first())
            .map(|n| self.name(nodes[*n]).0)
            .collect();
        let (first, at) = self.name(nodes[path[0]]);
        let mut d = Diagnostic::error("zhice::check::cycle", words!("`%{first}` depends on itself", first = first), at)
            .label(words!("the cycle: %{names}", names = names.join(" → ")))
            .help(words!("an amount cannot be worked out from itself: a measure in a rule across measures cannot read the final amount of another in the same rule, and nothing can read its own result"));
        for n in &path[1..] {
            d = d.related(self.name(nodes[*n]).1, words!("part of the cycle"));
        }
        d
    }
}
