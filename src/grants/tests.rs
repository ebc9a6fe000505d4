use super::*;
use crate::check::check;
use crate::eval::trace::PaidItem;
use crate::syntax::{parse, FileKind};

fn program() -> Program {
    let src = "policy \"p\" { }
         input flat : bool
         measure whole （一） \"w\" { text \"t\" when flat award 5元 }
         measure items （二） \"i\" { text \"t\" award 9元 }";
    let file = parse(src, FileKind::Policy).unwrap_or_else(|_| panic!("the test policy parses"));
    match check(&file, &[]).policy {
        Some(policy) => crate::compile::compile(policy, src),
        None => panic!("the test policy checks"),
    }
}

fn d(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap_or_default()
}

fn item(item: &str, amount: &str) -> PaidItem {
    PaidItem {
        measure: 1,
        item: item.into(),
        amount: d(amount),
    }
}

#[test]
fn an_award_cut_short_pays_its_items_in_order_and_leaves_the_rest_open() {
    let p = program();
    let granted = Granted {
        line: 3,
        applicant: "甲".into(),
        id: "c".into(),
        year: 2026,
        // the items came to 2 + 3 + 4, the award was capped at 4
        awards: vec![(0, d("5")), (1, d("4"))],
        items: vec![item("A", "2"), item("B", "3"), item("C", "4")],
    };
    let rows: Vec<(String, Option<String>, Decimal)> = rows_of(&p, &granted)
        .into_iter()
        .map(|r| (r.award, r.item, r.amount))
        .collect();
    assert_eq!(
        rows,
        [
            ("whole".into(), None, d("5")),
            ("items".into(), Some("A".into()), d("2")),
            ("items".into(), Some("B".into()), d("2")),
        ]
    );
}

#[test]
fn what_an_award_pays_beyond_its_items_is_a_row_with_no_item() {
    let p = program();
    let granted = Granted {
        line: 1,
        applicant: "甲".into(),
        id: "c".into(),
        year: 2026,
        awards: vec![(1, d("10"))],
        items: vec![item("A", "6")],
    };
    let items: Vec<(Option<String>, Decimal)> = rows_of(&p, &granted).into_iter().map(|r| (r.item, r.amount)).collect();
    assert_eq!(items, [(Some("A".into()), d("6")), (None, d("4"))]);
}

#[test]
fn a_registry_is_a_file_and_a_server_is_not_taken_for_one() {
    assert_eq!(place("grants.db"), Ok(Place::File("grants.db".into())));
    assert_eq!(place("sqlite:/tmp/g.db"), Ok(Place::File("/tmp/g.db".into())));
    assert_eq!(place("sqlite:///tmp/g.db"), Ok(Place::File("/tmp/g.db".into())));
    assert!(place("sqlite:").is_err());
    assert_eq!(
        place("postgres://zhice@db:5432/grants"),
        Ok(Place::Server("postgres://zhice@db:5432/grants".into()))
    );
}

#[test]
fn a_server_is_named_without_its_password() {
    assert_eq!(
        shown("postgres://zhice:s3cret@db:5432/grants"),
        "postgres://zhice@db:5432/grants"
    );
    assert_eq!(shown("postgresql://db/grants"), "postgresql://db/grants");
}

#[test]
fn digests_tell_every_part_apart() {
    assert_eq!(digest(&[b"ab", b"c"]), digest(&[b"ab", b"c"]));
    assert_ne!(digest(&[b"ab", b"c"]), digest(&[b"a", b"bc"]));
    assert_eq!(digest(&[b""]).len(), 64);
}
