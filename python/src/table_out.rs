//! A table's rows judged by the core (`batch::rows`) and their results laid
//! out as Arrow columns: `id`, `total`, one column per award, one per
//! declared output, `benefits` and `errors`. A rejected row has nulls for its
//! amounts and its errors in `errors`; every other row is still evaluated.

use crate::amounts::{places, Amounts, Places};
use crate::table_in::Columns;
use crate::table_in::Plan;
use arrow_array::builder::{BooleanBuilder, Date32Builder, Int64Builder, ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, ListArray, RecordBatch, StructArray};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_pyarrow::Table;
use arrow_schema::{DataType, Field, Fields, Schema};
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use zhice::batch::rows::{rows, Fill, Row, Source, ROWS_PER_TASK as ROWS_PER_PART};
use zhice::batch::Options;
use zhice::case::{Case, Filling, Reader, Typed};
use zhice::check::model::Ty;
use zhice::compile::Program;
use zhice::pool::Ledger;
use zhice::value::Value;

/// An output's column while rows are kept.
enum Out {
    Bool(BooleanBuilder),
    Int(Int64Builder),
    /// the values, and which rows have one
    Dec(Amounts, Vec<bool>),
    Text(StringBuilder),
    Date(Date32Builder),
}

/// What one task kept of its rows.
struct Part {
    ids: StringBuilder,
    judged: Vec<bool>,
    totals: Amounts,
    /// per award, one amount per row (none for a rejected row, masked by `judged`)
    awards: Vec<Amounts>,
    outputs: Vec<Out>,
    benefits: ListBuilder<StringBuilder>,
    /// errors of the part's rows: each row's end in the flat lists
    error_ends: Vec<i32>,
    error_fields: StringBuilder,
    error_codes: StringBuilder,
    error_messages: StringBuilder,
}

/// The declared outputs: value slot, name and how its column is kept.
struct Output {
    value: usize,
    name: String,
    ty: Ty,
    choices: Vec<String>,
}

fn outputs(program: &Program) -> Vec<Output> {
    let p = &program.policy;
    p.values
        .iter()
        .enumerate()
        .filter(|(_, v)| v.output)
        .map(|(i, v)| {
            let ty = v.expr.ty.required().clone();
            let choices = match &ty {
                Ty::Enum(e) => p.enums[*e].values.iter().map(|(n, _)| n.clone()).collect(),
                _ => Vec::new(),
            };
            Output {
                value: i,
                name: v.name.clone(),
                ty,
                choices,
            }
        })
        .collect()
}

impl Part {
    fn new(program: &Program, outputs: &[Output], rows: usize) -> Part {
        Part {
            ids: StringBuilder::with_capacity(rows, rows * 16),
            judged: Vec::with_capacity(rows),
            totals: Amounts::with_capacity(rows),
            awards: (0..program.policy.measures.len())
                .map(|_| Amounts::with_capacity(rows))
                .collect(),
            outputs: outputs
                .iter()
                .map(|o| match o.ty {
                    Ty::Bool => Out::Bool(BooleanBuilder::new()),
                    Ty::Int => Out::Int(Int64Builder::new()),
                    Ty::Money | Ty::Rate | Ty::Number => Out::Dec(Amounts::with_capacity(rows), Vec::new()),
                    Ty::Date => Out::Date(Date32Builder::new()),
                    _ => Out::Text(StringBuilder::new()),
                })
                .collect(),
            benefits: ListBuilder::new(StringBuilder::new()),
            error_ends: Vec::new(),
            error_fields: StringBuilder::new(),
            error_codes: StringBuilder::new(),
            error_messages: StringBuilder::new(),
        }
    }

    fn keep(&mut self, program: &Program, outputs: &[Output], row: Row) {
        let end = self.error_ends.last().copied().unwrap_or(0);
        match row {
            Row::Done { case, outcome, .. } => {
                self.ids.append_value(&case.id);
                self.judged.push(true);
                self.totals.push(outcome.total);
                for (column, a) in self.awards.iter_mut().zip(&outcome.awards) {
                    column.push(*a);
                }
                for (column, o) in self.outputs.iter_mut().zip(outputs) {
                    push_output(column, outcome.values.get(o.value), o);
                }
                for (b, granted) in program.policy.benefits.iter().zip(&outcome.benefits) {
                    if *granted {
                        self.benefits.values().append_value(&b.id);
                    }
                }
                self.benefits.append(true);
                self.error_ends.push(end);
            }
            Row::Rejected(errors) => {
                self.ids.append_option(errors.id.as_deref());
                self.judged.push(false);
                self.totals.push_none();
                for column in &mut self.awards {
                    column.push_none();
                }
                for (column, o) in self.outputs.iter_mut().zip(outputs) {
                    push_output(column, None, o);
                }
                self.benefits.append(true);
                for e in &errors.errors {
                    self.error_fields.append_value(&e.field);
                    self.error_codes.append_value(e.code);
                    self.error_messages.append_value(e.message.text());
                }
                let n = i32::try_from(errors.errors.len()).unwrap_or(i32::MAX);
                self.error_ends.push(end.saturating_add(n));
            }
        }
    }
}

fn push_output(column: &mut Out, v: Option<&Value>, o: &Output) {
    match (column, v) {
        (Out::Bool(b), Some(Value::Bool(x))) => b.append_value(*x),
        (Out::Int(b), Some(Value::Int(x))) => b.append_value(*x),
        (Out::Dec(b, given), Some(Value::Dec(x))) => {
            b.push(*x);
            given.push(true);
        }
        (Out::Dec(b, given), Some(Value::Int(x))) => {
            b.push(Decimal::from(*x));
            given.push(true);
        }
        (Out::Date(b), Some(Value::Date(d))) => b.append_option(i32::try_from(d.unix_days()).ok()),
        (Out::Text(b), Some(Value::Enum(i))) => b.append_option(o.choices.get(*i as usize)),
        (Out::Text(b), Some(Value::Text(t))) => b.append_value(t),
        (Out::Bool(b), _) => b.append_null(),
        (Out::Int(b), _) => b.append_null(),
        (Out::Dec(b, given), _) => {
            b.push_none();
            given.push(false);
        }
        (Out::Date(b), _) => b.append_null(),
        (Out::Text(b), _) => b.append_null(),
    }
}

fn decimal_type(places: Option<Places>) -> DataType {
    match places {
        Some(p) => DataType::Decimal128(p.precision, i8::try_from(p.scale).unwrap_or(28)),
        None => DataType::Utf8,
    }
}

fn error_type() -> DataType {
    DataType::Struct(error_fields())
}

fn error_fields() -> Fields {
    Fields::from(vec![
        Field::new("field", DataType::Utf8, false),
        Field::new("code", DataType::Utf8, false),
        Field::new("message", DataType::Utf8, false),
    ])
}

/// Evaluates every row of `batches` as one round and lays out the results.
pub fn evaluate(
    program: &Program,
    batches: &[RecordBatch],
    options: Options,
    ledger: &Ledger,
    scale: Option<u32>,
    direct: bool,
) -> Result<Table, String> {
    let columns: Vec<Columns> = batches.iter().map(Columns::new).collect();
    // the first row of each batch, to find the batch of a row
    let mut starts = Vec::with_capacity(batches.len());
    let mut n = 0usize;
    for b in batches {
        starts.push(n);
        n += b.num_rows();
    }
    let locate = |i: usize| {
        let b = starts.partition_point(|s| *s <= i).saturating_sub(1);
        (b, i - starts.get(b).copied().unwrap_or(0))
    };
    let write = |i: usize, out: &mut String| {
        let (b, row) = locate(i);
        if let Some(c) = columns.get(b) {
            c.write(row, out);
        }
    };
    // Each batch's columns planned once: which go straight into a case.
    let reader = Reader::new(&program.policy);
    let plans: Option<Vec<Vec<Plan>>> = reader
        .typed()
        .filter(|_| direct)
        .map(|typed| columns.iter().map(|c| c.plans(&typed)).collect());
    let fill = |i: usize, typed: &Typed, case: &mut Case, filling: &mut Filling| {
        let (b, row) = locate(i);
        match (columns.get(b), plans.as_ref().and_then(|p| p.get(b))) {
            (Some(c), Some(plans)) => c.fill(plans, row, typed, case, filling),
            _ => false,
        }
    };
    let source = Source {
        n,
        write: &write,
        fill: plans.is_some().then_some(&fill as Fill),
    };
    let outs = outputs(program);
    let kept = rows(
        program,
        options,
        ledger,
        &source,
        &|| Part::new(program, &outs, ROWS_PER_PART),
        &|part: &mut Part, _, row| part.keep(program, &outs, row),
    );
    let after = ledger.after(program, &kept.settled);
    layout(program, &outs, kept.parts, &after, scale)
}

/// One record batch per part, with one schema: a decimal column's scale is the same in every part.
fn layout(
    program: &Program,
    outs: &[Output],
    mut parts: Vec<Part>,
    after: &Ledger,
    fixed: Option<u32>,
) -> Result<Table, String> {
    let policy = &program.policy;
    let total_places = places("total", parts.iter().map(|p| &p.totals), fixed)?;
    let award_places = policy
        .measures
        .iter()
        .enumerate()
        .map(|(m, measure)| places(&measure.id, parts.iter().map(|p| &p.awards[m]), fixed))
        .collect::<Result<Vec<_>, _>>()?;
    let output_places = outs
        .iter()
        .enumerate()
        .map(|(o, out)| {
            let values = parts.iter().filter_map(move |p| match &p.outputs[o] {
                Out::Dec(v, _) => Some(v),
                _ => None,
            });
            places(&out.name, values, fixed)
        })
        .collect::<Result<Vec<_>, _>>()?;

    // Names: an award or output that repeats an earlier column is qualified.
    let mut taken: HashSet<String> = ["id", "total", "benefits", "errors"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut name = |n: &str, kind: &str| {
        let chosen = if taken.contains(n) {
            format!("{kind}.{n}")
        } else {
            n.to_string()
        };
        taken.insert(chosen.clone());
        chosen
    };
    let mut fields = vec![
        Field::new("id", DataType::Utf8, true),
        Field::new("total", decimal_type(total_places), true),
    ];
    for (m, s) in policy.measures.iter().zip(&award_places) {
        fields.push(Field::new(name(&m.id, "awards"), decimal_type(*s), true));
    }
    for (o, s) in outs.iter().zip(&output_places) {
        let ty = match o.ty {
            Ty::Bool => DataType::Boolean,
            Ty::Int => DataType::Int64,
            Ty::Money | Ty::Rate | Ty::Number => decimal_type(*s),
            Ty::Date => DataType::Date32,
            _ => DataType::Utf8,
        };
        fields.push(Field::new(name(&o.name, "outputs"), ty, true));
    }
    fields.push(Field::new(
        "benefits",
        DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
        false,
    ));
    fields.push(Field::new(
        "errors",
        DataType::List(Arc::new(Field::new("item", error_type(), true))),
        false,
    ));
    let mut metadata = HashMap::new();
    metadata.insert("zhice.policy".to_string(), policy.header.title.clone());
    metadata.insert("zhice.pool_ledger".to_string(), after.to_json().to_string());
    let schema = Arc::new(Schema::new_with_metadata(fields, metadata));

    let scales = Scales {
        total: total_places,
        awards: award_places,
        outputs: output_places,
    };
    // Each part is laid out on its own: the parts are split between the cores.
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let per_thread = parts.len().div_ceil(cores).max(1);
    let laid: Vec<Result<Vec<RecordBatch>, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .chunks_mut(per_thread)
            .map(|chunk| {
                let (schema, scales) = (&schema, &scales);
                scope.spawn(move || chunk.iter_mut().map(|p| batch_of(p, schema, scales)).collect())
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("a layout thread failed".to_string())))
            .collect()
    });
    let mut batches = Vec::with_capacity(parts.len());
    for l in laid {
        batches.extend(l?);
    }
    Table::try_new(batches, schema).map_err(|e| e.to_string())
}

/// The scale of each decimal column (`None`: written as text).
struct Scales {
    total: Option<Places>,
    awards: Vec<Option<Places>>,
    outputs: Vec<Option<Places>>,
}

/// One part's rows as a record batch of `schema`.
fn batch_of(p: &mut Part, schema: &Arc<Schema>, scales: &Scales) -> Result<RecordBatch, String> {
    let mut columns: Vec<ArrayRef> = vec![Arc::new(p.ids.finish())];
    let judged = Some(NullBuffer::from(std::mem::take(&mut p.judged))).filter(|n| n.null_count() > 0);
    let take = |a: &mut Amounts| std::mem::replace(a, Amounts::with_capacity(0));
    columns.push(take(&mut p.totals).array(judged.clone(), scales.total));
    for (column, s) in p.awards.iter_mut().zip(&scales.awards) {
        columns.push(take(column).array(judged.clone(), *s));
    }
    for (column, s) in p.outputs.iter_mut().zip(&scales.outputs) {
        columns.push(match column {
            Out::Bool(b) => Arc::new(b.finish()),
            Out::Int(b) => Arc::new(b.finish()),
            Out::Dec(v, given) => {
                let nulls = Some(NullBuffer::from(std::mem::take(given))).filter(|n| n.null_count() > 0);
                take(v).array(nulls, *s)
            }
            Out::Date(b) => Arc::new(b.finish()),
            Out::Text(b) => Arc::new(b.finish()),
        });
    }
    columns.push(Arc::new(p.benefits.finish()));
    let errors = StructArray::try_new(
        error_fields(),
        vec![
            Arc::new(p.error_fields.finish()),
            Arc::new(p.error_codes.finish()),
            Arc::new(p.error_messages.finish()),
        ],
        None::<NullBuffer>,
    )
    .map_err(|e| e.to_string())?;
    let mut offsets = vec![0i32];
    offsets.extend(&p.error_ends);
    let list = ListArray::try_new(
        Arc::new(Field::new("item", error_type(), true)),
        OffsetBuffer::new(offsets.into()),
        Arc::new(errors),
        None,
    )
    .map_err(|e| e.to_string())?;
    columns.push(Arc::new(list));
    RecordBatch::try_new(schema.clone(), columns).map_err(|e| e.to_string())
}
