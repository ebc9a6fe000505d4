//! The honest competitor: the thirteen Tongzhou awards as a programmer would
//! write them by hand for one policy — typed serde structs borrowing from the
//! line, rust_decimal, rayon on every core — reading a JSONL case file and
//! writing the same result lines as `zhice eval --format jsonl`. Not part of
//! the product: `benches/end-to-end.sh` runs it beside zhice and takes the
//! ratio in one run.
//!
//! It also does the same for corpus entry P01 (three measures under a shared
//! yearly cap, filled in clause order), a policy of the language's newer constructs.
//!
//! `cargo run --release --example handwritten -- tongzhou CASES.jsonl > RESULTS.jsonl`
//! `cargo run --release --example handwritten -- p01 CASES.jsonl > RESULTS.jsonl`

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use rayon::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};

const AWARDS: [&str; 13] = [
    "data_space",
    "dataset",
    "dcmm",
    "scenario",
    "competition",
    "model_voucher",
    "compute_voucher",
    "data_voucher",
    "consortium",
    "filing",
    "standard",
    "third_party",
    "opc",
];

const BENEFITS: &str = r#"["public_data","results_library","talent","investment_fund","data_finance"]"#;

/// Money as the case format writes it: a string or a JSON number, exactly.
#[derive(Default, Clone, Copy)]
struct Money(Decimal);

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Money;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an amount")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Money, E> {
                Decimal::from_str_exact(s).map(Money).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Money, E> {
                Ok(Money(Decimal::from(n)))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Money, E> {
                Ok(Money(Decimal::from(n)))
            }
            // serde_json with `arbitrary_precision` hands a number over as its text.
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Money, A::Error> {
                let (_, text): (Cow<str>, Cow<str>) =
                    map.next_entry()?.ok_or_else(|| de::Error::custom("an amount"))?;
                Decimal::from_str_exact(&text)
                    .or_else(|_| Decimal::from_scientific(&text))
                    .map(Money)
                    .map_err(de::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
struct Project {
    #[serde(default)]
    qualified: bool,
    assessed: Option<Money>,
}

#[derive(Deserialize)]
struct Standard<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    level: Cow<'a, str>,
    rank: i64,
}

#[derive(Deserialize)]
struct Prior<'a> {
    #[serde(borrow)]
    award: Cow<'a, str>,
    year: i64,
    amount: Money,
    #[serde(borrow, default)]
    item: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    year: i64,
    #[serde(default)]
    sme: bool,
    #[serde(default)]
    data_space_investment: Money,
    #[serde(default)]
    dataset_selected: bool,
    dcmm_level: Option<i64>,
    #[serde(default)]
    scenario_projects: Vec<Project>,
    #[serde(borrow)]
    competition_national: Option<Cow<'a, str>>,
    #[serde(default)]
    competition_beijing_first: bool,
    #[serde(default)]
    competition_national_finalist: bool,
    #[serde(default)]
    significant_effect: bool,
    #[serde(default)]
    model_service_spend: Money,
    #[serde(default)]
    compute_service_spend: Money,
    #[serde(default)]
    data_product_spend: Money,
    #[serde(default)]
    joint_lab_member: bool,
    joint_lab_assessed: Option<Money>,
    #[serde(borrow, default)]
    new_filings: Vec<Cow<'a, str>>,
    #[serde(borrow, default)]
    standards: Vec<Standard<'a>>,
    #[serde(default)]
    third_party_service_org: bool,
    #[serde(default)]
    opc_operator: bool,
    #[serde(default)]
    opc_cluster_formed: bool,
    #[serde(borrow, default)]
    prior_awards: Vec<Prior<'a>>,
}

fn wan(n: i64) -> Decimal {
    Decimal::from(n * 10_000)
}

fn round(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn paid(c: &Case, award: &str, this_year: bool) -> Decimal {
    c.prior_awards
        .iter()
        .filter(|p| p.award == award && (!this_year || p.year == c.year))
        .map(|p| p.amount.0)
        .sum()
}

fn yearly(c: &Case, award: &str, amount: Decimal, cap: Decimal) -> Decimal {
    amount.min((cap - paid(c, award, true)).max(Decimal::ZERO))
}

fn paid_item(c: &Case, award: &str, item: &str) -> bool {
    c.prior_awards
        .iter()
        .any(|p| p.award == award && p.item.as_deref() == Some(item))
}

fn awards(c: &Case) -> [Decimal; 13] {
    let mut out = [Decimal::ZERO; 13];
    out[0] = round(c.data_space_investment.0 * Decimal::new(2, 1)).min(wan(500));
    if c.dataset_selected {
        out[1] = wan(50);
    }
    let dcmm = match c.dcmm_level {
        Some(3) => wan(30),
        Some(4) => wan(40),
        Some(5) => wan(50),
        _ => Decimal::ZERO,
    };
    out[2] = (dcmm - paid(c, "dcmm", false)).max(Decimal::ZERO);
    let projects: Decimal = c
        .scenario_projects
        .iter()
        .filter(|p| p.qualified)
        .map(|p| p.assessed.map_or(wan(50), |m| m.0).min(wan(50)))
        .sum();
    out[3] = yearly(c, "scenario", projects, wan(200));
    let mut prize = match c.competition_national.as_deref() {
        Some("first") => wan(100),
        Some("second") => wan(50),
        Some("third") => wan(30),
        _ => Decimal::ZERO,
    };
    if c.competition_beijing_first || c.competition_national_finalist {
        prize = prize.max(wan(20));
    }
    out[4] = prize;
    if c.sme && c.significant_effect {
        out[5] = yearly(
            c,
            "model_voucher",
            round(c.model_service_spend.0 * Decimal::new(3, 1)),
            wan(30),
        );
        out[6] = yearly(
            c,
            "compute_voucher",
            round(c.compute_service_spend.0 * Decimal::new(3, 1)),
            wan(50),
        );
    }
    out[7] = yearly(
        c,
        "data_voucher",
        round(c.data_product_spend.0 * Decimal::new(1, 1)),
        wan(100),
    );
    if c.joint_lab_member {
        out[8] = c.joint_lab_assessed.map_or(wan(500), |m| m.0).min(wan(500));
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut filings = Decimal::ZERO;
    for f in &c.new_filings {
        if seen.contains(&f.as_ref()) {
            continue;
        }
        seen.push(f);
        if paid_item(c, "filing", f) {
            continue;
        }
        filings += match f.as_ref() {
            "generative_ai" => wan(100),
            "deep_synthesis" => wan(20),
            _ => wan(10),
        };
    }
    out[9] = yearly(c, "filing", filings, wan(100));
    let mut seen: Vec<&str> = Vec::new();
    let mut standards = Decimal::ZERO;
    for s in &c.standards {
        if s.rank > 3 || seen.contains(&s.id.as_ref()) {
            continue;
        }
        seen.push(&s.id);
        if paid_item(c, "standard", &s.id) {
            continue;
        }
        standards += if s.level == "international" { wan(30) } else { wan(20) };
    }
    out[10] = yearly(c, "standard", standards, wan(100));
    if c.third_party_service_org {
        out[11] = wan(20);
    }
    if c.opc_operator && c.opc_cluster_formed {
        out[12] = wan(200);
    }
    out
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct P01Case<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    year: i64,
    #[serde(default)]
    rd_spend: Money,
    #[serde(default)]
    new_hires: i64,
    #[serde(default)]
    equipment_investment: Money,
    #[serde(borrow, default)]
    prior_awards: Vec<Prior<'a>>,
}

const P01_AWARDS: [&str; 3] = ["rd_reward", "talent_reward", "equipment_reward"];

/// 第四条（一）（二）（三）, each capped, then 600万 a year over the three, in clause order.
fn p01_awards(c: &P01Case) -> [Decimal; 3] {
    let mut out = [
        round(c.rd_spend.0 * Decimal::new(1, 1)).min(wan(300)),
        (wan(2) * Decimal::from(c.new_hires)).min(wan(100)),
        round(c.equipment_investment.0 * Decimal::new(15, 2)).min(wan(500)),
    ];
    let prior: Decimal = c
        .prior_awards
        .iter()
        .filter(|p| p.year == c.year && P01_AWARDS.contains(&p.award.as_ref()))
        .map(|p| p.amount.0)
        .sum();
    let mut room = (wan(600) - prior).max(Decimal::ZERO);
    for a in &mut out {
        *a = (*a).min(room);
        room -= *a;
    }
    out
}

fn p01_line(text: &str, out: &mut String) {
    let case: P01Case = match serde_json::from_str(text) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(
                out,
                r#"{{"errors":[{{"message":{}}}]}}"#,
                serde_json::to_string(&e.to_string()).unwrap()
            );
            return;
        }
    };
    let a = p01_awards(&case);
    let total: Decimal = a.iter().sum();
    out.push_str("{\"id\":");
    out.push_str(&serde_json::to_string(case.id.as_ref()).unwrap());
    let _ = write!(out, ",\"total\":\"{}\",\"awards\":{{", cents(total));
    let mut first = true;
    for (name, amount) in P01_AWARDS.iter().zip(a) {
        if amount > Decimal::ZERO {
            if !first {
                out.push(',');
            }
            first = false;
            let _ = write!(out, "\"{name}\":\"{}\"", cents(amount));
        }
    }
    out.push_str("},\"benefits\":[],\"errors\":[]}\n");
}

fn cents(mut d: Decimal) -> Decimal {
    d.rescale(2);
    d
}

/// One result line, as zhice writes it.
fn line(text: &str, out: &mut String) {
    let case: Case = match serde_json::from_str(text) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(
                out,
                r#"{{"errors":[{{"message":{}}}]}}"#,
                serde_json::to_string(&e.to_string()).unwrap()
            );
            return;
        }
    };
    let a = awards(&case);
    let total: Decimal = a.iter().sum();
    out.push_str("{\"id\":");
    out.push_str(&serde_json::to_string(case.id.as_ref()).unwrap());
    let _ = write!(out, ",\"total\":\"{}\",\"awards\":{{", cents(total));
    let mut first = true;
    for (name, amount) in AWARDS.iter().zip(a) {
        if amount > Decimal::ZERO {
            if !first {
                out.push(',');
            }
            first = false;
            let _ = write!(out, "\"{name}\":\"{}\"", cents(amount));
        }
    }
    let _ = writeln!(out, "}},\"benefits\":{BENEFITS},\"errors\":[]}}");
}

fn main() {
    let usage = "usage: handwritten tongzhou|p01 CASES.jsonl";
    let policy = std::env::args().nth(1).expect(usage);
    let path = std::env::args().nth(2).expect(usage);
    let one: fn(&str, &mut String) = match policy.as_str() {
        "tongzhou" => line,
        "p01" => p01_line,
        _ => panic!("{usage}"),
    };
    let mut input = BufReader::with_capacity(1 << 22, std::fs::File::open(path).expect("open"));
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    // Chunks of whole lines, each evaluated on every core, written in order.
    loop {
        let mut chunk = Vec::with_capacity(5 << 20);
        let got = (&mut input).take(4 << 20).read_to_end(&mut chunk).expect("read");
        if got > 0 {
            // Complete the last line.
            input.read_until(b'\n', &mut chunk).expect("read");
        }
        if chunk.is_empty() {
            break;
        }
        let text = std::str::from_utf8(&chunk).expect("UTF-8");
        let lines: Vec<&str> = text.lines().collect();
        let parts: Vec<String> = lines
            .par_chunks(256)
            .map(|group| {
                let mut s = String::with_capacity(group.len() * 256);
                for l in group {
                    one(l, &mut s);
                }
                s
            })
            .collect();
        for p in parts {
            out.write_all(p.as_bytes()).expect("write");
        }
    }
    out.flush().expect("flush");
}
