use super::*;
use crate::check::check;
use crate::syntax::{parse, FileKind};
use rust_decimal::Decimal;
use std::str::FromStr;

/// A measure paying half of `spend`, out of a fund of 100元 a year divided pro rata.
fn program() -> Program {
    let src = "policy \"p\" { rounding 0.01 half-away-from-zero after each rate and on each award }
         input spend : money >= 0
         input count : int >= 0
         measure m （一） \"m\" { text \"t\" award 50% of spend }
         measure n （二） \"n\" { text \"t\" award up to 10元, assessed 1元 }
         value per \"每户\" = spend / count rounded to 0.01
         pool fund （三） \"f\" { text \"t\" at most 100元 per year for m when exceeded: pro rata, each share rounded to 0.01, residue as it falls }";
    let file = parse(src, FileKind::Policy).unwrap_or_else(|_| panic!("the test policy parses"));
    match check(&file, &[]).policy {
        Some(policy) => crate::compile::compile(policy, src),
        None => panic!("the test policy checks"),
    }
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_default()
}

fn case(id: &str, spend: u32) -> String {
    format!(r#"{{"id":"{id}","year":2026,"spend":{spend},"count":1}}"#)
}

#[test]
fn a_case_alone_is_a_round_of_one() {
    let p = program();
    let runner = Runner::new(&p);
    // 50% of 300 = 150, more than the fund: the fund gives all it has
    let (ran, settled) = runner
        .one(&case("a", 300), Mode::Plain)
        .unwrap_or_else(|_| panic!("runs"));
    assert_eq!(ran.outcome.awards[0], d("100"));
    assert_eq!(ran.shares.len(), 1);
    assert_eq!(ran.shares[0].entitled, d("150"));
    assert_eq!(settled.allocations[&(0, 2026)].granted, d("100"));
}

#[test]
fn the_ledger_of_earlier_rounds_leaves_the_rest() {
    let p = program();
    let ledger = Ledger::parse(r#"{"fund": {"2026": "70"}}"#).unwrap_or_else(|e| panic!("{e}"));
    let runner = Runner::new(&p).ledger(ledger);
    let (ran, _) = runner
        .one(&case("a", 300), Mode::Plain)
        .unwrap_or_else(|_| panic!("runs"));
    assert_eq!(ran.outcome.awards[0], d("30"));
}

#[test]
fn a_round_divides_the_fund_over_all_its_cases() {
    let p = program();
    let cases = [case("a", 100), case("b", 300)].join("\n");
    let round = Runner::new(&p).round(&cases, Mode::Plain);
    // claims 50 and 150 on 100: a quarter each
    let got: Vec<Decimal> = round
        .lines
        .iter()
        .map(|r| r.as_ref().map_or(Decimal::MIN, |r| r.outcome.awards[0]))
        .collect();
    assert_eq!(got, vec![d("25"), d("75")]);
    let settled = round.settled.unwrap_or_else(|| panic!("a pooled policy settles"));
    assert_eq!(settled.allocations[&(0, 2026)].granted, d("100"));
    // each line again on its own, with the round's settlement, is the same
    let again = Runner::new(&p);
    let one = again.settle(&cases);
    let b = again
        .line(&case("b", 300), 2, one.as_ref(), Mode::Explained)
        .unwrap_or_else(|_| panic!("runs"));
    assert_eq!(b.outcome.awards[0], d("75"));
    assert!(!b.outcome.explanations.is_empty(), "explained runs keep their trace");
}

#[test]
fn the_worst_case_pays_every_ceiling() {
    let p = program();
    let runner = Runner::new(&p);
    let plain = runner.one(&case("a", 0), Mode::Plain).map(|(r, _)| r.outcome.awards[1]);
    let worst = runner
        .one(&case("a", 0), Mode::Ceiling)
        .map(|(r, _)| r.outcome.awards[1]);
    assert_eq!(plain.ok(), Some(d("1")));
    assert_eq!(worst.ok(), Some(d("10")));
}

#[test]
fn each_refusal_keeps_its_kind() {
    let p = program();
    let runner = Runner::new(&p);
    match runner.one(r#"{"id":"x","year":2026,"spend":"lots","count":1}"#, Mode::Plain) {
        Err(Refused::Read(e)) => assert_eq!(e.errors[0].field, "spend"),
        other => panic!("a bad field is a read error, not {other:?}"),
    }
    let zero = r#"{"id":"z","year":2026,"spend":1,"count":0}"#;
    match runner.one(zero, Mode::Plain) {
        Err(r @ Refused::Eval { .. }) => {
            let errors = r.errors(&p);
            assert_eq!(errors.id.as_deref(), Some("z"));
            assert_eq!(errors.errors[0].field, "per", "the value being worked out is named");
        }
        other => panic!("a division by zero is an evaluation error, not {other:?}"),
    }
}

#[test]
fn a_case_error_is_worded_when_shown_not_when_found() {
    use crate::lang::{scoped, Lang};
    let p = program();
    let runner = Runner::new(&p);
    // found while the thread speaks English…
    let refused = scoped(Lang::En, || {
        runner.one(r#"{"id":"x","spend":1,"count":1}"#, Mode::Plain)
    });
    let errors = match refused {
        Err(r) => r.errors(&p),
        Ok(_) => panic!("a case without its year is refused"),
    };
    assert_eq!(errors.errors[0].field, "year");
    // …shown to whoever reads it, in their language
    let en = scoped(Lang::En, || errors.errors[0].message.text());
    let zh = scoped(Lang::Zh, || errors.errors[0].message.text());
    assert!(en.starts_with("missing"), "{en}");
    assert!(zh.contains('缺'), "{zh}");
}
