//! pest's errors turned into diagnostics that a drafter can read: rule names
//! become phrases ("a money amount like 500万元") and positions become spans.

use super::slips::{full_width, open_block_before, open_paren_before, ITEM_STARTS};
use super::{reparse_from, Rule};
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use pest::error::{ErrorVariant, InputLocation};

/// The first syntax error and those of later items, each at most once.
/// Full-width punctuation outside strings, the commonest slip when typing with
/// a Chinese input method, is reported where it stands instead of where pest
/// gave up.
pub(super) fn collect(source: &str, rule: Rule, first: pest::error::Error<Rule>) -> Vec<Diagnostic> {
    let mut out = full_width(source);
    let lines_flagged: Vec<usize> = out.iter().map(|d| line_of(source, d.span.start)).collect();
    out.extend(
        parse_errors(source, rule, first)
            .into_iter()
            .filter(|d| !lines_flagged.contains(&line_of(source, d.span.start))),
    );
    out
}

fn line_of(source: &str, offset: usize) -> usize {
    source.get(..offset).map_or(0, |s| s.matches('\n').count())
}

fn parse_errors(source: &str, rule: Rule, first: pest::error::Error<Rule>) -> Vec<Diagnostic> {
    let mut out = vec![convert(source, 0, &first)];
    let mut offset = 0;
    let mut at = error_offset(&first);
    // Bounded: each round moves `offset` strictly forward.
    while let Some(next) = next_item_start(source, at) {
        if next <= offset {
            break;
        }
        offset = next;
        match reparse_from(source, offset, rule) {
            Ok(()) => break,
            Err(e) => {
                let d = convert(source, offset, &e);
                at = d.span.start.max(offset + 1);
                out.push(d);
            }
        }
        if out.len() >= 20 {
            break;
        }
    }
    out
}

fn error_offset(e: &pest::error::Error<Rule>) -> usize {
    match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
}

/// The byte offset of the next line after `after` that begins with an item keyword.
fn next_item_start(source: &str, after: usize) -> Option<usize> {
    let mut pos = 0;
    for line in source.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        if start <= after {
            continue;
        }
        let word: String = line.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        if ITEM_STARTS.contains(&word.as_str()) {
            return Some(start);
        }
    }
    None
}

/// The end of the token at `start`: a word, or one punctuation character.
fn token_end(source: &str, start: usize) -> usize {
    let rest = source.get(start..).unwrap_or("");
    let word = |c: char| !c.is_whitespace() && (!c.is_ascii_punctuation() || c == '_' || c == '.');
    let mut end = start;
    for (i, c) in rest.char_indices() {
        if !word(c) {
            if i == 0 && !c.is_whitespace() {
                end = start + c.len_utf8();
            }
            break;
        }
        end = start + i + c.len_utf8();
    }
    end
}

fn convert(source: &str, offset: usize, e: &pest::error::Error<Rule>) -> Diagnostic {
    let (start, end) = match e.location {
        InputLocation::Pos(p) => (p, p),
        InputLocation::Span((s, e)) => (s, e),
    };
    let (start, end) = (start + offset, end + offset);
    // Point at the offending token rather than an empty span.
    let end = if end > start { end } else { token_end(source, start) };
    let found = Span::new(start, end).text(source);
    let (message, label) = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let wanted: Vec<String> = summarize(positives.iter().filter_map(|r| describe(*r)).collect())
                .into_iter()
                .map(|w| if is_code(w) { w.to_string() } else { t!(w).into_owned() })
                .collect();
            let expected = match wanted.len() {
                0 => t!("something else").into_owned(),
                1 => wanted[0].clone(),
                n => t!(
                    "%{these} or %{that}",
                    these = wanted[..n - 1].join(&t!(", ")),
                    that = wanted[n - 1]
                )
                .into_owned(),
            };
            let message = if found.is_empty() {
                t!("unexpected end of input: expected %{expected}", expected = expected).into_owned()
            } else {
                t!(
                    "unexpected `%{found}`: expected %{expected}",
                    found = found,
                    expected = expected
                )
                .into_owned()
            };
            (message, t!("expected %{expected}", expected = expected).into_owned())
        }
        ErrorVariant::CustomError { message } => {
            // pest's own guard against runaway recursion ("stack limit reached").
            return Diagnostic::error(
                "zhice::syntax::too-deep",
                words!("the parser gave up: %{message}", message = message),
                Span::new(start, end),
            )
            .label(words!("nested too deeply"))
            .help(words!(
                "real clauses never nest this deep; name the inner parts with `param` or split the measure"
            ));
        }
    };
    // Two slips the parser reports at the next word, said where they are.
    let before = source.get(..start).unwrap_or("").trim_end();
    if before.ends_with("default") && before[..before.len() - 7].ends_with(|c: char| c.is_whitespace()) {
        let at = Span::new(before.len() - 7, before.len());
        return Diagnostic::error(
            "zhice::syntax",
            words!("`default` needs the value a missing field is read as"),
            at,
        )
        .label(words!("no value after `default`"))
        .help(words!(
            "write it on the same line: `default false`, `default 0元`, `default empty` for a list"
        ));
    }
    let line = source.get(start..).and_then(|r| r.lines().next()).unwrap_or("");
    if (found == "value" || found == "output") && !line.contains('=') {
        return Diagnostic::error(
            "zhice::syntax",
            words!("`%{keyword}` needs its formula after `=`", keyword = found),
            Span::new(start, start + line.trim_end().len()),
        )
        .label(words!("no `=` on this line"))
        .help(words!("write `%{keyword} name \"label\" = formula`", keyword = found));
    }
    let after_digit = source
        .get(..start)
        .and_then(|s| s.chars().last())
        .is_some_and(|c| c.is_ascii_digit());
    let clause_expected =
        matches!(&e.variant, ErrorVariant::ParsingError { positives, .. } if positives.contains(&Rule::clause_ref));
    // `the years from born + 1 month to date`: the dates of a span are single operands
    let before = source.get(..start).unwrap_or("").trim_end();
    let in_span = ["years from", "months from", "days from"].iter().any(|w| {
        before.ends_with(w)
            || before
                .rsplit_once(w)
                .is_some_and(|(_, rest)| !rest.contains('\n') && rest.trim_end().ends_with(" to"))
    });
    let help = if in_span {
        t!("the dates of `the years from A to B` are names, dates or parentheses: write a moved date as `(born + 1 month)`").into_owned()
    } else if clause_expected {
        t!("a clause reference is written like 第三条（五）, with no spaces, `#`, quotes or braces inside").into_owned()
    } else {
        hint(found, after_digit)
    };
    if let Some(open) = open_block_before(source, start, found).or_else(|| open_paren_before(source, start, end)) {
        return open;
    }
    Diagnostic::error("zhice::syntax", message, Span::new(start, end))
        .label(label)
        .help(help)
}

/// Words the grammar reserves (`keyword` in grammar/policy.pest).
pub const KEYWORDS: [&str; 26] = [
    "and",
    "or",
    "not",
    "is",
    "of",
    "when",
    "otherwise",
    "true",
    "false",
    "given",
    "each",
    "in",
    "where",
    "by",
    "if",
    "then",
    "else",
    "once",
    "policy",
    "award",
    "unless",
    "for",
    "any",
    "every",
    "satisfies",
    "distinct",
];

/// A next step for the drafter, chosen from what was found.
fn hint(found: &str, after_digit: bool) -> String {
    let cjk = found
        .chars()
        .next()
        .is_some_and(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    if KEYWORDS.contains(&found) {
        t!(
            "`%{found}` is a keyword of the language and cannot be used as a name",
            found = found
        )
    } else if found.is_empty() {
        t!("the file ended inside a block: check that every `{` has its `}`")
    } else if after_digit && !found.starts_with(|c: char| c.is_ascii()) {
        t!("money is written in 元, 万元 or 亿元 (500万元, 5,000,000元), rates with % (20%)")
    } else if cjk {
        // Names are the contract with case files, JSON and spreadsheets: ASCII
        // keeps them the same everywhere. The Chinese goes in the label.
        t!(
            "names are written with ASCII letters, digits and `_` (`sme`, `data_space_cap`); the Chinese goes in the label: `input sme : bool \"%{found}\"`",
            found = found
        )
    } else if found.starts_with('“') || found.starts_with('”') {
        t!("strings are written between straight quotes \"…\"; Chinese quotes may appear inside them")
    } else if found.starts_with('（') || found.starts_with('：') || found.starts_with('，') {
        t!("use ASCII punctuation ( : , outside strings; full-width forms belong inside strings and clause references")
    } else {
        t!("see docs/language.md for the form of each construct")
    }
    .into_owned()
}

const OPERAND: [&str; 9] = [
    "`not` or `-`",
    "`true` or `false`",
    "a date like 2025-01-01",
    "a name",
    "a number",
    "a string in \"quotes\"",
    "a money amount like 500万元",
    "a percentage like 20%",
    "`(`",
];
const TABLE_STARTS: [&str; 3] = [
    "`by`",
    "`in`",
    "`the highest of`, `the first of`, `the sum of` or `one of`",
];
const ITEM: [&str; 12] = [
    "`policy`",
    "`enum`",
    "`record`",
    "`input`",
    "`param`",
    "`value`",
    "`measure`",
    "`rule`",
    "`pool`",
    "`benefit`",
    "`clause`",
    "`test`",
];

/// Every phrase a syntax error may say is expected, for the test that each has its Chinese.
pub fn expected_phrases() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Rule::all_rules().iter().filter_map(|r| describe(*r)).collect();
    out.extend(OPERAND);
    out.extend(ITEM);
    out.extend(["an expression", "end of file", FOLDED_ITEMS]);
    out.retain(|w| !is_code(w));
    out.sort_unstable();
    out.dedup();
    out
}

/// A phrase that is one piece of the language (`` `measure` ``): the same in every language.
fn is_code(w: &str) -> bool {
    w.len() > 2 && w.starts_with('`') && w.ends_with('`') && w.matches('`').count() == 2
}

const FOLDED_ITEMS: &str =
    "a new item (policy, enum, record, input, param, value, measure, rule, pool, benefit, clause, test)";

/// Sorted, without duplicates, and with long lists folded into one phrase:
/// everything an operand can start with is "an expression".
fn summarize(mut wanted: Vec<&'static str>) -> Vec<&'static str> {
    wanted.sort_unstable();
    wanted.dedup();
    if wanted.contains(&"a name") && wanted.contains(&"a number") {
        wanted.retain(|w| !OPERAND.contains(w));
        wanted.push("an expression");
    }
    // the tables that stand inside an expression start with these words: an expression says it
    if wanted.contains(&"an expression") {
        wanted.retain(|w| !TABLE_STARTS.contains(w));
    }
    if wanted.iter().filter(|w| ITEM.contains(w)).count() >= 5 {
        wanted.retain(|w| !ITEM.contains(w));
        wanted.push(FOLDED_ITEMS);
    }
    wanted.sort_unstable();
    wanted.dedup();
    wanted
}

/// What a rule looks like, in a drafter's words; `None` for rules a drafter never writes.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "end of file",
        Rule::header | Rule::kw_policy => "`policy`",
        Rule::enum_decl => "`enum`",
        Rule::record_decl => "`record`",
        Rule::input_decl => "`input`",
        Rule::param_decl => "`param`",
        Rule::value_decl => "`value`",
        Rule::measure => "`measure`",
        Rule::rule_decl => "`rule`",
        Rule::pool_decl => "`pool`",
        Rule::pool_budget => "the pool's budget (`at most … per year for …`)",
        Rule::pool_period | Rule::pool_per_year | Rule::pool_range => "`per year` or `from DATE to DATE`",
        Rule::pool_rule => "what happens when demand exceeds the pool (`when exceeded: …`)",
        Rule::ration | Rule::pro_rata | Rule::capped_pro_rata | Rule::in_order => {
            "`pro rata`, `at most … each, then pro rata` or `in order of FIELD, earliest first`"
        }
        Rule::order_dir => "`earliest first`, `latest first`, `lowest first` or `highest first`",
        Rule::share_rounding => "`each share rounded to …`",
        Rule::residue | Rule::residue_falls | Rule::residue_largest => {
            "`residue as it falls` or `residue to the largest remainders`"
        }
        Rule::benefit => "`benefit`",
        Rule::clause_decl => "`clause`",
        Rule::test_block => "`test`",
        Rule::h_version | Rule::h_effective | Rule::h_in_force | Rule::h_currency | Rule::h_rounding => {
            "a header field (version, effective, in force, currency, rounding)"
        }
        Rule::round_mode => "a rounding mode (half-away-from-zero, half-even, down, up)",
        Rule::round_at => "where rounding applies (after each rate, on each award)",
        Rule::text_stmt | Rule::when_stmt | Rule::award_stmt | Rule::top_up_stmt | Rule::once_stmt | Rule::cap_stmt => {
            "a measure statement (text, when, award, at most, top-up, once per applicant)"
        }
        Rule::cap_scope | Rule::per_year | Rule::per_ever => "`per applicant` or `per applicant per year`",
        Rule::cap_cond | Rule::kw_unless => "the cap's condition (`when …` or `unless …`)",
        Rule::shared_cap | Rule::highest_only => {
            "a rule across measures (`at most … over a, b in clause order`, `only the highest of a, b`)"
        }
        Rule::alloc_order | Rule::clause_order | Rule::listed_order => "`in clause order` or `in the order listed`",
        Rule::id_list => "the ids of measures, separated by commas",
        Rule::clause_ref => "a clause reference like 第三条（五）",
        Rule::type_expr | Rule::plain_type | Rule::list_type | Rule::optional => "a type",
        Rule::bound | Rule::range_bound | Rule::min_bound => "a bound like `3..5` or `>= 0`",
        Rule::amount | Rule::pick | Rule::tier_table | Rule::each | Rule::up_to | Rule::bands => "an amount",
        Rule::band_row | Rule::band_range | Rule::band_up_to | Rule::band_above | Rule::band_between => {
            "a band like `up to 100万元 => 50%`, `100万元 to 300万元 => 30%` or `above 300万元 => 0%`"
        }
        Rule::rounded => "`rounded to …`",
        Rule::aggregate | Rule::agg_of | Rule::agg_count | Rule::quantifier => "an expression",
        Rule::kw_for => "`for`",
        Rule::kw_satisfies => "`satisfies`",
        Rule::kw_distinct => "`distinct`",
        Rule::pick_policy | Rule::highest_of | Rule::first_of | Rule::sum_of | Rule::one_of => {
            "`the highest of`, `the first of`, `the sum of` or `one of`"
        }
        Rule::alternative => "an alternative (`amount when condition` or `otherwise => amount`)",
        Rule::tier_row | Rule::tier_key | Rule::range_key => "a tier row like `3 => 30万元`",
        Rule::item_cap => "`, at most …`",
        Rule::once_per => "`once per …`",
        Rule::expr | Rule::path | Rule::call | Rule::if_expr | Rule::paren => "an expression",
        Rule::op_or
        | Rule::op_and
        | Rule::op_eq
        | Rule::op_ne
        | Rule::op_lt
        | Rule::op_le
        | Rule::op_gt
        | Rule::op_ge
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul
        | Rule::op_div
        | Rule::op_of
        | Rule::op_otherwise => "an operator",
        Rule::op_not | Rule::op_neg => "`not` or `-`",
        Rule::is_test | Rule::kw_is => "`is`",
        Rule::given | Rule::kw_given => "`given`",
        Rule::expect => "`expect`",
        Rule::expect_errors => "`errors`",
        Rule::object | Rule::entry => "`{ field: value, … }`",
        Rule::array => "`[ … ]`",
        Rule::field_path => "a field path like `standards[0].rank`",
        Rule::money | Rule::money_unit => "a money amount like 500万元",
        Rule::percent => "a percentage like 20%",
        Rule::date => "a date like 2025-01-01",
        Rule::number | Rule::signed => "a number",
        Rule::string | Rule::string_body => "a string in \"quotes\"",
        Rule::ident | Rule::key => "a name",
        Rule::kw_when => "`when`",
        Rule::kw_otherwise => "`otherwise`",
        Rule::kw_each => "`each`",
        Rule::kw_in => "`in`",
        Rule::kw_where => "`where`",
        Rule::kw_by => "`by`",
        Rule::kw_once => "`once`",
        Rule::kw_then => "`then`",
        Rule::kw_else => "`else`",
        Rule::kw_true | Rule::kw_false => "`true` or `false`",
        _ => return None,
    })
}

/// A bug in zhice, not in the policy: reported, never a panic.
pub(super) fn internal(what: &str, at: usize) -> Diagnostic {
    Diagnostic::error(
        "zhice::internal",
        words!("internal error while reading the policy: %{what}", what = what),
        Span::new(at, at),
    )
    .help(words!("this is a bug in zhice; please report it with the policy file"))
}

/// Names and numbers longer than this are refused before parsing.
pub const MAX_WORD: usize = 256;

/// Runs of name or number characters longer than `MAX_WORD`, outside strings and comments.
pub(super) fn long_words(source: &str) -> Vec<Diagnostic> {
    use super::scan::Piece;
    let mut out = Vec::new();
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut run_start = None;
    for piece in super::scan::pieces(source) {
        let (i, c) = match piece {
            Piece::Code(i, c) if word(c) => (i, c),
            Piece::Code(..) | Piece::Text { .. } | Piece::Comment { .. } => {
                run_start = None;
                continue;
            }
        };
        let start = *run_start.get_or_insert(i);
        // ASCII only: one byte a character
        if i + c.len_utf8() - start == MAX_WORD + 1 {
            let end = source[start..]
                .find(|c: char| !word(c))
                .map_or(source.len(), |n| start + n);
            out.push(
                Diagnostic::error(
                    "zhice::syntax::too-long",
                    words!("a name or number of %{start} characters", start = end - start),
                    Span::new(start, end),
                )
                .label(words!("longer than %{MAX_WORD} characters", MAX_WORD = MAX_WORD))
                .help(words!(
                    "names and numbers are short; check for text pasted outside its quotes"
                )),
            );
            if out.len() >= 20 {
                break;
            }
        }
    }
    out
}
