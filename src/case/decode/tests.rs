use super::*;
use crate::check::check;
use crate::syntax::{parse, FileKind};
use std::str::FromStr;

fn policy(extra: &str) -> Policy {
    let src = format!(
        "policy \"p\" {{ rounding 0.01 half-away-from-zero after each rate {extra} }}
        enum Level {{ national, international }}
        record Item {{ id: text, level: Level, rank: int >= 1 }}
        input spend: money >= 0 default 0元
        input level: optional int 3..5
        input share: rate default 0%
        input items: list of Item default empty
        input months: int 0..36 default 0
        input area: number >= 0 default 0
        measure m （一） \"m\" {{ text \"t\" when level is given and months >= 0 and area >= 0
          award each i in items where i.rank <= 3 and i.level is national: share of spend }}"
    );
    let file = parse(&src, FileKind::Policy).expect("parses");
    check(&file, &[]).policy.expect("checks")
}

fn case(json: &str) -> Result<Case, CaseErrors> {
    let p = policy("");
    Reader::new(&p).line(json, 1)
}

fn fields(json: &str) -> Vec<String> {
    case(json)
        .err()
        .map(|e| e.errors.into_iter().map(|f| f.field).collect())
        .unwrap_or_default()
}

fn codes(json: &str) -> Vec<&'static str> {
    case(json)
        .err()
        .map(|e| e.errors.into_iter().map(|f| f.code).collect())
        .unwrap_or_default()
}

#[test]
fn money_is_read_exactly_from_numbers_and_strings() {
    let d = |s: &str| Value::Dec(Decimal::from_str(s).unwrap_or_default());
    let c = case(r#"{"id":"a","year":2025,"spend":1234.565}"#).expect("decodes");
    assert_eq!(c.slots[0], d("1234.565"));
    let c = case(r#"{"id":"a","year":2025,"spend":"0.1"}"#).expect("decodes");
    assert_eq!(c.slots[0], d("0.1"));
    let c = case(r#"{"id":"a","year":2025,"spend":1e6}"#).expect("decodes");
    assert_eq!(c.slots[0], d("1000000"));
    let c = case(r#"{"id":"a","year":2025,"share":"20%"}"#).expect("decodes");
    assert_eq!(c.slots[2], d("0.2"));
    let c = case(r#"{"id":"a","year":2025,"area":"40.5"}"#).expect("decodes");
    assert_eq!(c.slots[5], d("40.5"));
}

#[test]
fn amounts_and_enum_values_read_where_they_stand_mean_what_the_string_means() {
    // The common forms are read in place; the same value with an escape, a
    // space or a label goes through the string first and must agree.
    let d = |s: &str| Value::Dec(Decimal::from_str(s).unwrap_or_default());
    let spend = |json: &str| {
        case(json)
            .map(|c| c.slots[0].clone())
            .map_err(|e| e.errors[0].field.clone())
    };
    assert_eq!(
        spend(r#"{"id":"a","year":2025,"spend":"653921.82"}"#),
        Ok(d("653921.82"))
    );
    assert_eq!(
        spend(r#"{"id":"a","year":2025,"spend":"65392\u0031.82"}"#),
        Ok(d("653921.82"))
    );
    assert_eq!(
        spend(r#"{"id":"a","year":2025,"spend":" 653921.82 "}"#),
        Ok(d("653921.82"))
    );
    assert_eq!(
        spend(r#"{"id":"a","year":2025,"spend":"-1"}"#),
        Err("spend".to_string())
    );
    assert_eq!(
        spend(r#"{"id":"a","year":2025,"spend":"12x"}"#),
        Err("spend".to_string())
    );
    let level = |json: &str| match case(json).map(|c| c.items.get(1).cloned()) {
        Ok(v) => Ok(v),
        Err(e) => Err(e.errors.into_iter().map(|f| f.field).collect::<Vec<_>>()),
    };
    let item = |l: &str| format!(r#"{{"id":"a","year":2025,"items":[{{"id":"x","level":{l},"rank":1}}]}}"#);
    assert_eq!(level(&item(r#""international""#)), Ok(Some(Value::Enum(1))));
    assert_eq!(level(&item(r#""internation\u0061l""#)), Ok(Some(Value::Enum(1))));
    assert_eq!(level(&item(r#""nation""#)), Err(vec!["items[0].level".to_string()]));
    assert_eq!(level(&item(r#""national ""#)), Err(vec!["items[0].level".to_string()]));
}

#[test]
fn plain_amounts_read_as_the_full_parser_reads_them() {
    for text in [
        "0",
        "7",
        "653921.82",
        "12.50",
        "007",
        "1800000",
        "0.000001",
        "123456789012345678",
        "1.5e3",
        "5.",
        ".5",
        "-3",
        "1234567890123456789",
    ] {
        let full = if text.contains('e') {
            Decimal::from_scientific(text).ok()
        } else {
            Decimal::from_str_exact(text).ok()
        };
        let got = decimal(text).ok();
        assert_eq!(got, full, "{text}");
        assert_eq!(got.map(|d| d.scale()), full.map(|d| d.scale()), "{text}");
    }
}

#[test]
fn missing_values_take_the_defaults_the_policy_writes() {
    let c = case(r#"{"id":"a","year":2025,"level":null}"#).expect("decodes");
    assert_eq!(c.slots[0], Value::Dec(Decimal::ZERO));
    assert_eq!(c.slots[1], Value::Absent);
    assert_eq!(c.slots[3], Value::List(Span32::default()));
    assert_eq!(c.slots[4], Value::Int(0));
    assert_eq!(c.slots[5], Value::Dec(Decimal::ZERO));
}

#[test]
fn a_field_with_no_default_is_never_silently_zero() {
    // 0 is in the range, yet a missing age is an error naming it, not a newborn
    let src = "policy \"p\" { }
        record Member { age: int 0..120, student: bool default false }
        input members: list of Member
        input rooms: int 0..9
        measure m （一） \"m\" { text \"t\" when rooms >= 0 and any x in members satisfies x.age >= 60 and not x.student award 1元 }";
    let file = parse(src, FileKind::Policy).expect("parses");
    let p = check(&file, &[]).policy.expect("checks");
    let named = |json: &str| -> Vec<String> {
        Reader::new(&p)
            .line(json, 1)
            .err()
            .map(|e| e.errors.into_iter().map(|f| f.field).collect())
            .unwrap_or_default()
    };
    assert_eq!(named(r#"{"id":"a","year":2025,"members":[{"age":70}]}"#), ["rooms"]);
    assert_eq!(
        named(r#"{"id":"a","year":2025,"rooms":2,"members":[{},{"age":3}]}"#),
        ["members[0].age"]
    );
    assert_eq!(named(r#"{"id":"a","year":2025,"rooms":2}"#), ["members"]);
    assert!(named(r#"{"id":"a","year":2025,"rooms":0,"members":[]}"#).is_empty());
}

#[test]
fn every_bad_field_is_named() {
    assert_eq!(
        fields(
            r#"{"id":"a","year":2025,"spend":-1,"level":6,"items":[{"id":"x","level":"local","rank":0}],"extra":1}"#
        ),
        ["spend", "level", "items[0].level", "items[0].rank", "extra"]
    );
    assert_eq!(
        fields(r#"{"id":"a","year":2025,"items":[{"level":"national","rank":1}]}"#),
        ["items[0].id"]
    );
    assert_eq!(fields(r#"{"year":2025}"#), ["id"]);
    assert_eq!(
        fields(r#"{"id":"a","spend":"99999999999999999999999999999999"}"#),
        ["spend", "year"]
    );
    assert_eq!(fields(r#"{"id":"a","year":2025,"spend":1,"spend":2}"#), ["spend"]);
    assert_eq!(fields(r#"{"id":"a","year":2025,"months":37}"#), ["months"]);
}

#[test]
fn errors_carry_stable_codes() {
    assert_eq!(
        codes(
            r#"{"id":"a","year":2025,"spend":-1,"level":"x","items":[{"id":"x","level":"local","rank":1}],"extra":1,"year":2026}"#
        ),
        [
            code::RANGE,
            code::TYPE,
            code::ENUM,
            code::UNKNOWN_FIELD,
            code::DUPLICATE
        ]
    );
    assert_eq!(codes("{\"id\":\"a\""), [code::JSON]);
    assert_eq!(codes(r#"{"id":"a","year":2025,"date":"2026/07/01"}"#), [code::DATE]);
}

#[test]
fn dates_are_read_exactly_and_the_period_is_enforced() {
    let p = policy("in force 2026-03-01 to 2028-12-31");
    let r = Reader::new(&p);
    let ok = r
        .line(r#"{"id":"a","year":2026,"date":"2028-02-29"}"#, 1)
        .expect("decodes");
    assert_eq!(ok.day().to_string(), "2028-02-29");
    for bad in ["2027-02-29", "2026/07/01", "2026-02-28", "2029-01-01"] {
        let e = r.line(&format!(r#"{{"id":"a","year":2026,"date":"{bad}"}}"#), 1);
        let fields: Vec<String> = e
            .err()
            .map(|e| e.errors.into_iter().map(|f| f.field).collect())
            .unwrap_or_default();
        assert_eq!(fields, ["date"], "{bad}");
    }
    // without a date, 1 January of the year is read, and named as the year's problem
    let e = r.line(r#"{"id":"a","year":2026}"#, 1);
    assert_eq!(e.err().map(|e| e.errors[0].code), Some(code::PERIOD));
}

#[test]
fn the_ledger_names_real_awards() {
    let c = case(r#"{"id":"a","year":2025,"prior_awards":[{"award":"m","year":2024,"amount":"5","item":"x"}]}"#)
        .expect("decodes");
    assert_eq!(c.ledger.len(), 1);
    assert_eq!(c.ledger[0].item.map(|t| c.text_at(t)), Some("x"));
    assert_eq!(
        fields(r#"{"id":"a","year":2025,"prior_awards":[{"award":"n","year":2024,"amount":5}]}"#),
        ["prior_awards[0].award"]
    );
}

#[test]
fn ledger_entries_read_alike_however_written_and_bad_ones_are_named() {
    // The plain forms are read where they stand; an escape, a space or an
    // exponent sends the same entry through the full reader, to the same figures.
    let entries = |c: &Case| {
        c.ledger
            .iter()
            .map(|e| {
                let item = e.item.map(|t| c.text_at(t).to_string());
                (e.award, e.year, e.amount.to_string(), e.amount.scale(), item)
            })
            .collect::<Vec<_>>()
    };
    let plain = case(
        r#"{"id":"a","year":2025,"prior_awards":[{"award":"m","year":2024,"amount":"5.00","item":"x"},{"award":"m","year":2023,"amount":60000}]}"#,
    )
    .expect("decodes");
    assert_eq!(entries(&plain).len(), 2);
    assert_eq!(entries(&plain)[0].2, "5.00");
    for other in [
        r#"{"id":"a","year":2025,"prior_awards":[{"\u0061ward":"\u006d","year":2024,"amount":" 5.00 ","item":"x"},{"award":"m","y\u0065ar":2023,"amount":"60000 "}]}"#,
        r#"{"id":"a","year":2025,"prior_awards":[ { "award" : "m" , "year" : 2024 , "amount" : 5.00 , "item" : "x" } , { "amount" : "60000" , "year" : 2023 , "award" : "m" } ]}"#,
    ] {
        let c = case(other).expect("decodes");
        assert_eq!(entries(&c), entries(&plain), "{other}");
    }
    let ledger = |entry: &str| format!(r#"{{"id":"a","year":2025,"prior_awards":[{entry}]}}"#);
    for (entry, want) in [
        (r#"{"award":"m","year":2024,"amount":007}"#, code::JSON),
        (r#"{"award":"m","year":2024,"amount":-5}"#, code::RANGE),
        (r#"{"award":"m","year":2024,"amount":"5x"}"#, code::TYPE),
        (
            r#"{"award":"m","\u0061ward":"m","year":2024,"amount":5}"#,
            code::DUPLICATE,
        ),
        (r#"{"award":"mm","year":2024,"amount":5}"#, code::UNKNOWN_AWARD),
    ] {
        assert_eq!(codes(&ledger(entry)), [want], "{entry}");
    }
    // a field name followed by more letters is another field, and the award is then missing
    assert_eq!(
        fields(&ledger(r#"{"awardx":"m","year":2024,"amount":5}"#)),
        ["prior_awards[0].awardx", "prior_awards[0].award"]
    );
}

#[test]
fn a_single_case_may_span_lines_and_says_where_it_breaks() {
    let p = policy("");
    let r = Reader::new(&p);
    assert!(r.text("{\n  \"id\": \"a\",\n  \"year\": 2025\n}\n").is_ok());
    let e = r.text("{\n  \"id\": \"a\",\n  \"year\" 2025\n}").expect_err("rejected");
    assert!(
        e.errors[0].message.text().contains("line 3"),
        "{}",
        e.errors[0].message.text()
    );
    let e = r.text(r#"{"id":"a","year":2025,"year":2026}"#).expect_err("rejected");
    assert_eq!(e.errors[0].code, code::DUPLICATE);
}

#[test]
fn keys_written_with_escapes_or_spaces_read_as_plain_ones() {
    // A key is found where it stands only when written plainly; any other
    // spelling of the same name is read as a string and looked up.
    let plain =
        case(r#"{"id":"a","year":2025,"spend":"10","items":[{"id":"x","level":"national","rank":2}],"months":3}"#)
            .expect("decodes");
    for other in [
        r#"{"\u0069d":"a","ye\u0061r":2025,"spend":"10","items":[{"i\u0064":"x","level":"national","r\u0061nk":2}],"months":3}"#,
        r#"{ "id" : "a" , "year" : 2025 , "spend" : "10" , "items" : [ { "id" : "x" , "level" : "national" , "rank" : 2 } ] , "months" : 3 }"#,
    ] {
        let c = case(other).expect("decodes");
        assert_eq!(
            (&c.id, c.year, &c.slots, &c.items),
            (&plain.id, plain.year, &plain.slots, &plain.items),
            "{other}"
        );
    }
    // a name followed by more letters is another key, not the name
    assert_eq!(fields(r#"{"id":"a","year":2025,"spendx":1}"#), ["spendx"]);
    assert_eq!(
        fields(r#"{"id":"a","year":2025,"items":[{"idx":"x","level":"national","rank":2}]}"#),
        ["items[0].idx", "items[0].id"]
    );
    // given twice, once plainly and once with an escape
    assert_eq!(
        codes(r#"{"id":"a","year":2025,"spend":1,"sp\u0065nd":2}"#),
        [code::DUPLICATE]
    );
}
