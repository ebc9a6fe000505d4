use super::*;
use crate::check::check;
use crate::syntax::{parse, FileKind};
use std::str::FromStr;

fn program(rule: &str) -> Program {
    let src = format!(
        "policy \"p\" {{ rounding 0.01 half-away-from-zero after each rate and on each award }}
         input spend : money >= 0
         input score : optional int >= 0
         measure m （一） \"m\" {{ text \"t\" award 50% of spend }}
         pool fund （二） \"f\" {{ text \"t\" at most 100元 per year for m when exceeded: {rule} }}"
    );
    let file = parse(&src, FileKind::Policy).unwrap_or_else(|_| panic!("the test policy parses"));
    match check(&file, &[]).policy {
        Some(policy) => crate::compile::compile(policy, &src),
        None => panic!("the test policy checks"),
    }
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_default()
}

fn claim(line: usize, amount: &str, key: Option<i64>) -> Claim {
    Claim {
        pool: 0,
        period: 2026,
        line,
        measure: 0,
        amount: d(amount),
        key: key.map(Value::Int),
        // the case ids follow the lines here, unless a test says otherwise
        tie: Some(Tie {
            then: None,
            id: TieId::new(&format!("case-{line}")),
        }),
        paid: Decimal::ZERO,
    }
}

fn with_id(mut c: Claim, id: &str, then: Option<i64>) -> Claim {
    c.tie = Some(Tie {
        then: then.map(Value::Int),
        id: TieId::new(id),
    });
    c
}

/// Settles a round and grants every claim, as the second pass does.
fn settle(p: &Program, claims: Vec<Claim>) -> Settled {
    settle_after(p, claims, &Ledger::default())
}

fn settle_after(p: &Program, claims: Vec<Claim>, ledger: &Ledger) -> Settled {
    let mut round = Round::new(p);
    round.extend(&claims);
    let mut s = round.settle(ledger);
    let shares: Vec<Share> = claims
        .iter()
        .map(|c| {
            let (granted, rank) = s.grant(p, c);
            Share {
                pool: c.pool,
                period: c.period,
                measure: c.measure,
                entitled: c.amount,
                granted,
                rank,
            }
        })
        .collect();
    s.count(&shares);
    s
}

#[test]
fn a_pool_that_does_not_bind_changes_nothing() {
    let p = program("pro rata, each share rounded to 0.01, residue as it falls");
    let claims = vec![claim(1, "40", None), claim(2, "60", None)];
    let s = settle(&p, claims.clone());
    let a = &s.allocations[&(0, 2026)];
    assert!(!a.exceeded);
    assert_eq!(s.grant(&p, &claims[0]), (d("40"), None));
    assert_eq!(s.grant(&p, &claims[1]), (d("60"), None));
    assert_eq!(a.factor(), Decimal::ONE);
    assert_eq!(a.granted, d("100"));
}

#[test]
fn pro_rata_with_residue_as_it_falls() {
    let p = program("pro rata, each share rounded to 0.01, residue as it falls");
    // 100 / 300 of each: 33.333… → 33.33, three times 99.99
    let s = settle(
        &p,
        vec![claim(1, "100", None), claim(2, "100", None), claim(3, "100", None)],
    );
    let a = &s.allocations[&(0, 2026)];
    assert!(a.exceeded);
    assert_eq!(a.granted, d("99.99"));
}

#[test]
fn largest_remainders_never_grant_more_than_the_pool() {
    let p = program("pro rata, each share rounded to 0.01, residue to the largest remainders");
    let claims = vec![claim(1, "100", None), claim(2, "100", None), claim(3, "100", None)];
    let s = settle(&p, claims.clone());
    assert_eq!(s.allocations[&(0, 2026)].granted, d("100"));
    assert_eq!(s.grant(&p, &claims[0]).0, d("33.34"));
    assert_eq!(s.grant(&p, &claims[2]).0, d("33.33"));
}

#[test]
fn ties_go_by_case_id_not_by_the_order_of_the_file() {
    let p = program("in order of score, highest first");
    // the same three claims in two orders: B before A before C on the tie, whatever the lines
    for lines in [[1, 2, 3], [3, 1, 2]] {
        let claims = vec![
            with_id(claim(lines[0], "50", Some(7)), "B", None),
            with_id(claim(lines[1], "40", Some(7)), "C", None),
            with_id(claim(lines[2], "30", Some(7)), "A", None),
        ];
        let s = settle(&p, claims.clone());
        assert_eq!(s.grant(&p, &claims[2]), (d("30"), Some(1)));
        assert_eq!(s.grant(&p, &claims[0]), (d("50"), Some(2)));
        assert_eq!(s.grant(&p, &claims[1]), (d("20"), Some(3)));
    }
}

#[test]
fn a_declared_second_key_breaks_ties_before_the_id() {
    let p = program("in order of score, highest first, then by spend, lowest first");
    let claims = vec![
        with_id(claim(1, "50", Some(7)), "A", Some(500)),
        with_id(claim(2, "40", Some(7)), "B", Some(100)),
        with_id(claim(3, "30", Some(9)), "C", Some(900)),
    ];
    let s = settle(&p, claims.clone());
    // score 9 first; of the two 7s, the lower spend (B) before A
    assert_eq!(s.grant(&p, &claims[2]), (d("30"), Some(1)));
    assert_eq!(s.grant(&p, &claims[1]), (d("40"), Some(2)));
    assert_eq!(s.grant(&p, &claims[0]), (d("30"), Some(3)));
}

#[test]
fn ordered_claims_are_served_whole_and_ties_go_by_id() {
    let p = program("in order of score, highest first");
    let claims = vec![
        claim(1, "50", Some(7)),
        claim(2, "40", Some(9)),
        claim(3, "30", Some(7)),
    ];
    let s = settle(&p, claims.clone());
    // score 9 first (40), then line 1 (50), then line 3 gets the 10 left
    assert_eq!(s.grant(&p, &claims[1]), (d("40"), Some(1)));
    assert_eq!(s.grant(&p, &claims[0]), (d("50"), Some(2)));
    assert_eq!(s.grant(&p, &claims[2]), (d("10"), Some(3)));
    assert_eq!(s.allocations[&(0, 2026)].granted, d("100"));
}

#[test]
fn capped_then_pro_rata() {
    let p = program("at most 40元 each, then pro rata, each share rounded to 0.01, residue as it falls");
    // capped to 40, 40, 30 = 110 > 100: each times 100/110
    let claims = vec![claim(1, "90", None), claim(2, "45", None), claim(3, "30", None)];
    let s = settle(&p, claims.clone());
    assert_eq!(s.grant(&p, &claims[0]).0, d("36.36"));
    assert_eq!(s.grant(&p, &claims[2]).0, d("27.27"));
}

#[test]
fn capped_alone_when_the_caps_suffice() {
    let p = program("at most 40元 each, then pro rata, each share rounded to 0.01, residue as it falls");
    // 90 + 45 = 135 > 100, capped 40 + 40 = 80 ≤ 100: each gets its capped claim
    let claims = vec![claim(1, "90", None), claim(2, "45", None)];
    let s = settle(&p, claims.clone());
    assert_eq!(s.grant(&p, &claims[0]).0, d("40"));
    assert_eq!(s.allocations[&(0, 2026)].factor(), Decimal::ONE);
    assert_eq!(s.allocations[&(0, 2026)].granted, d("80"));
}

#[test]
fn a_ledger_of_earlier_rounds_leaves_the_rest() {
    let p = program("in order of score, highest first");
    let ledger = Ledger::parse(r#"{"fund": {"2026": "70"}}"#).unwrap_or_default();
    let s = settle_after(&p, vec![claim(1, "50", Some(1))], &ledger);
    let a = &s.allocations[&(0, 2026)];
    assert_eq!(a.available, d("30"));
    assert_eq!(a.granted, d("30"));
    assert_eq!(ledger.after(&p, &s).get("fund", "2026"), d("100"));
}

#[test]
fn a_tie_id_orders_as_its_text_whether_inline_or_boxed() {
    let ids = [
        "",
        "a",
        "S-0000001",
        "S-0000002",
        "申报-0001",
        "exactly twenty-two b..",
        "twenty-three bytes long",
        "a much longer case id than any inline one holds",
        "中文编号超过二十二个字节的申报",
    ];
    for x in ids {
        let tx = TieId::new(x);
        assert_eq!(tx.as_bytes(), x.as_bytes());
        assert_eq!(matches!(tx, TieId::Short(..)), x.len() <= 22, "{x}");
        for y in ids {
            assert_eq!(tx.cmp(&TieId::new(y)), x.cmp(y), "{x} against {y}");
        }
    }
}
