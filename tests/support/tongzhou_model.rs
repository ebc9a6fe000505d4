//! The thirteen Tongzhou awards written by hand, independently of the
//! interpreter: read straight from the case JSON (serde), computed with plain
//! Rust. It serves twice: as the differential oracle of `tests/differential.rs`
//! and as the hand-written baseline of `benches/zhice.rs`. Not part of the product.

#![allow(dead_code)]

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;
use std::str::FromStr;

/// Award ids in the policy's order.
pub const AWARDS: [&str; 13] = [
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

pub struct Prior {
    pub award: usize,
    pub year: i64,
    pub amount: Decimal,
    pub item: Option<String>,
}

/// One applicant, decoded by hand.
pub struct Applicant {
    pub year: i64,
    pub sme: bool,
    pub data_space_investment: Decimal,
    pub dataset_selected: bool,
    pub dcmm_level: Option<i64>,
    pub projects: Vec<(bool, Option<Decimal>)>,
    pub national: Option<String>,
    pub beijing_first: bool,
    pub finalist: bool,
    pub significant_effect: bool,
    pub model_spend: Decimal,
    pub compute_spend: Decimal,
    pub data_spend: Decimal,
    pub joint_lab_member: bool,
    pub joint_lab_assessed: Option<Decimal>,
    pub filings: Vec<String>,
    pub standards: Vec<(String, String, i64)>,
    pub third_party: bool,
    pub opc_operator: bool,
    pub opc_cluster: bool,
    pub prior: Vec<Prior>,
}

fn wan(n: i64) -> Decimal {
    Decimal::from(n * 10_000)
}

fn money(v: Option<&Value>) -> Option<Decimal> {
    match v? {
        Value::Number(n) => Decimal::from_str(&n.to_string())
            .ok()
            .or_else(|| Decimal::from_scientific(&n.to_string()).ok()),
        Value::String(s) => Decimal::from_str(s).ok(),
        _ => None,
    }
}

fn flag(v: &Value, k: &str) -> bool {
    v.get(k).and_then(Value::as_bool).unwrap_or(false)
}

impl Applicant {
    /// The applicant of a valid case; `None` for a case the policy would reject.
    pub fn from_json(v: &Value) -> Option<Applicant> {
        let arr = |k: &str| v.get(k).and_then(Value::as_array).cloned().unwrap_or_default();
        Some(Applicant {
            year: v.get("year")?.as_i64()?,
            sme: flag(v, "sme"),
            data_space_investment: money(v.get("data_space_investment")).unwrap_or_default(),
            dataset_selected: flag(v, "dataset_selected"),
            dcmm_level: v.get("dcmm_level").and_then(Value::as_i64),
            projects: arr("scenario_projects")
                .iter()
                .map(|p| (flag(p, "qualified"), money(p.get("assessed"))))
                .collect(),
            national: v
                .get("competition_national")
                .and_then(Value::as_str)
                .map(str::to_string),
            beijing_first: flag(v, "competition_beijing_first"),
            finalist: flag(v, "competition_national_finalist"),
            significant_effect: flag(v, "significant_effect"),
            model_spend: money(v.get("model_service_spend")).unwrap_or_default(),
            compute_spend: money(v.get("compute_service_spend")).unwrap_or_default(),
            data_spend: money(v.get("data_product_spend")).unwrap_or_default(),
            joint_lab_member: flag(v, "joint_lab_member"),
            joint_lab_assessed: money(v.get("joint_lab_assessed")),
            filings: arr("new_filings")
                .iter()
                .filter_map(|f| f.as_str().map(str::to_string))
                .collect(),
            standards: arr("standards")
                .iter()
                .map(|s| {
                    let id = s.get("id").and_then(Value::as_str).unwrap_or_default().to_string();
                    let level = s.get("level").and_then(Value::as_str).unwrap_or_default().to_string();
                    (id, level, s.get("rank").and_then(Value::as_i64).unwrap_or(0))
                })
                .collect(),
            third_party: flag(v, "third_party_service_org"),
            opc_operator: flag(v, "opc_operator"),
            opc_cluster: flag(v, "opc_cluster_formed"),
            prior: arr("prior_awards")
                .iter()
                .filter_map(|p| {
                    Some(Prior {
                        award: AWARDS
                            .iter()
                            .position(|a| Some(*a) == p.get("award").and_then(Value::as_str))?,
                        year: p.get("year")?.as_i64()?,
                        amount: money(p.get("amount"))?,
                        item: p.get("item").and_then(Value::as_str).map(str::to_string),
                    })
                })
                .collect(),
        })
    }
}

fn round(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// What the ledger holds for an award: this year only, or every year.
fn paid(a: &Applicant, award: usize, this_year: bool) -> Decimal {
    a.prior
        .iter()
        .filter(|p| p.award == award && (!this_year || p.year == a.year))
        .map(|p| p.amount)
        .sum()
}

/// `amount`, but no more than what is left of `cap` this year.
fn yearly(a: &Applicant, award: usize, amount: Decimal, cap: Decimal) -> Decimal {
    amount.min((cap - paid(a, award, true)).max(Decimal::ZERO))
}

fn paid_item(a: &Applicant, award: usize, item: &str) -> bool {
    a.prior
        .iter()
        .any(|p| p.award == award && p.item.as_deref() == Some(item))
}

/// The thirteen awards, in the order of `AWARDS`.
pub fn awards(a: &Applicant) -> [Decimal; 13] {
    let mut out = [Decimal::ZERO; 13];
    out[0] = round(a.data_space_investment * Decimal::new(2, 1)).min(wan(500));
    if a.dataset_selected {
        out[1] = wan(50);
    }
    let dcmm = match a.dcmm_level {
        Some(3) => wan(30),
        Some(4) => wan(40),
        Some(5) => wan(50),
        _ => Decimal::ZERO,
    };
    out[2] = (dcmm - paid(a, 2, false)).max(Decimal::ZERO);
    let projects: Decimal = a
        .projects
        .iter()
        .filter(|p| p.0)
        .map(|p| p.1.unwrap_or(wan(50)).min(wan(50)))
        .sum();
    out[3] = yearly(a, 3, projects, wan(200));
    let mut prize = match a.national.as_deref() {
        Some("first") => wan(100),
        Some("second") => wan(50),
        Some("third") => wan(30),
        _ => Decimal::ZERO,
    };
    if a.beijing_first || a.finalist {
        prize = prize.max(wan(20));
    }
    out[4] = prize;
    if a.sme && a.significant_effect {
        out[5] = yearly(a, 5, round(a.model_spend * Decimal::new(3, 1)), wan(30));
        out[6] = yearly(a, 6, round(a.compute_spend * Decimal::new(3, 1)), wan(50));
    }
    out[7] = yearly(a, 7, round(a.data_spend * Decimal::new(1, 1)), wan(100));
    if a.joint_lab_member {
        out[8] = a.joint_lab_assessed.unwrap_or(wan(500)).min(wan(500));
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut filings = Decimal::ZERO;
    for f in &a.filings {
        if seen.contains(&f.as_str()) {
            continue;
        }
        seen.push(f);
        if paid_item(a, 9, f) {
            continue;
        }
        filings += match f.as_str() {
            "generative_ai" => wan(100),
            "deep_synthesis" => wan(20),
            _ => wan(10),
        };
    }
    out[9] = yearly(a, 9, filings, wan(100));
    let mut seen: Vec<&str> = Vec::new();
    let mut standards = Decimal::ZERO;
    for (id, level, rank) in &a.standards {
        if *rank > 3 || seen.contains(&id.as_str()) {
            continue;
        }
        seen.push(id);
        if paid_item(a, 10, id) {
            continue;
        }
        standards += if level == "international" { wan(30) } else { wan(20) };
    }
    out[10] = yearly(a, 10, standards, wan(100));
    if a.third_party {
        out[11] = wan(20);
    }
    if a.opc_operator && a.opc_cluster {
        out[12] = wan(200);
    }
    out
}
