//! Excel in and out: a workbook of cases gives the results the same cases
//! give as CSV — with Excel's own booleans, dates and numbers, a number with
//! binary noise read as Excel shows it — and `--format xlsx --out` writes the
//! results as a sheet whose amounts are numbers.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use calamine::{Data, Reader};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::path::Path;
use std::process::Command;

const POLICY: &str = "policies/tongzhou-2025-draft.policy";

fn zhice(args: &[&str]) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_zhice"))
        .args(args)
        .env("ZHICE_LANG", "en")
        .current_dir(support::root())
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

/// The JSON lines `zhice eval` gives for a case file, with any further arguments.
fn results(cases: &Path, more: &[&str]) -> (String, String, i32) {
    let path = cases.to_str().unwrap();
    zhice(&[&["eval", POLICY, "--cases", path, "--format", "jsonl"][..], more].concat())
}

fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("zhice-excel-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The cases as a bureau's sheet holds them: typed cells, not text.
fn cases_workbook(path: &Path) {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    let header = [
        "id",
        "year",
        "date",
        "sme",
        "significant_effect",
        "model_service_spend",
        "dcmm_level",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let day = Format::new().set_num_format("yyyy-mm-dd");
    // a computed spend with binary noise: Excel shows 300000.3
    let rows: [(&str, f64, bool, f64, Option<f64>); 3] = [
        ("A-1", 2025.0, true, 300000.1 + 0.2, Some(4.0)),
        ("A-2", 2026.0, false, 1_000_000.0, None),
        ("A-3", 2025.0, true, 123456.78, Some(3.0)),
    ];
    for (r, (id, year, sme, spend, level)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *id).unwrap();
        ws.write_number(r, 1, *year).unwrap();
        let date = ExcelDateTime::from_ymd(*year as u16, 3, 1).unwrap();
        ws.write_datetime_with_format(r, 2, &date, &day).unwrap();
        ws.write_boolean(r, 3, *sme).unwrap();
        ws.write_boolean(r, 4, true).unwrap();
        ws.write_number(r, 5, *spend).unwrap();
        if let Some(l) = level {
            ws.write_number(r, 6, *l).unwrap();
        }
    }
    // a row left empty at the end is no case
    ws.write_string(5, 0, "").unwrap();
    book.save(path).unwrap();
}

#[test]
fn a_workbook_of_cases_gives_what_the_same_cases_give_as_csv() {
    let d = dir("in");
    let book = d.join("cases.xlsx");
    cases_workbook(&book);
    let csv = d.join("cases.csv");
    std::fs::write(
        &csv,
        "id,year,date,sme,significant_effect,model_service_spend,dcmm_level\n\
         A-1,2025,2025-03-01,TRUE,TRUE,300000.3,4\n\
         A-2,2026,2026-03-01,FALSE,TRUE,1000000,\n\
         A-3,2025,2025-03-01,TRUE,TRUE,123456.78,3\n",
    )
    .unwrap();
    let (from_book, err, code) = results(&book, &[]);
    assert_eq!(code, 0, "{err}");
    let (from_csv, _, _) = results(&csv, &[]);
    assert_eq!(from_book, from_csv);
    assert_eq!(from_book.lines().count(), 3);
    // 30 % of 300000.3, as typed and shown, not of its binary double
    assert!(from_book.contains(r#""model_voucher":"90000.09""#), "{from_book}");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn results_as_a_workbook_hold_amounts_as_numbers() {
    let d = dir("out");
    let out = d.join("results.xlsx");
    let (_, err, code) = zhice(&[
        "eval",
        POLICY,
        "--cases",
        "tests/data/tongzhou/examples.jsonl",
        "--format",
        "xlsx",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(code <= 1, "{err}");
    let (csv, _, _) = zhice(&[
        "eval",
        POLICY,
        "--cases",
        "tests/data/tongzhou/examples.jsonl",
        "--format",
        "csv",
    ]);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(
        rows.len(),
        csv.lines().count(),
        "a row for each line of the CSV results"
    );
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(header.join(","), csv.lines().next().unwrap());
    let total = header.iter().position(|h| h == "total").unwrap();
    let first: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    match &rows[1][total] {
        Data::Float(f) => assert_eq!(*f, first[total].parse::<f64>().unwrap()),
        other => panic!("the total is a number, not {other:?}"),
    }
    assert!(matches!(rows[1][0], Data::String(_)), "the id stays text");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_workbook_needs_a_file_to_go_to() {
    let (_, err, code) = zhice(&[
        "eval",
        POLICY,
        "--cases",
        "tests/data/tongzhou/examples.jsonl",
        "--format",
        "xlsx",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--out RESULTS.xlsx"), "{err}");
    let (_, err, code) = zhice(&["eval", POLICY, "--cases", "README.xlsx"]);
    assert_eq!(code, 2);
    assert!(err.contains("README.xlsx"), "{err}");
}

#[test]
fn gbk_and_bom_csv_give_the_results_the_same_cases_give_as_jsonl() {
    let d = dir("encodings");
    let csv = "id,year,sme,significant_effect,model_service_spend,competition_national,dcmm_level\n\
               甲公司,2025,是,是,300000.3,一等奖,4\n\
               乙公司,2026,否,TRUE,1000000,,\n";
    let jsonl = r#"{"id":"甲公司","year":2025,"sme":true,"significant_effect":true,"model_service_spend":"300000.3","competition_national":"一等奖","dcmm_level":4}
{"id":"乙公司","year":2026,"sme":false,"significant_effect":true,"model_service_spend":"1000000"}
"#;
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(csv);
    assert!(!unmappable);
    std::fs::write(d.join("gbk.csv"), &gbk).unwrap();
    std::fs::write(d.join("bom.csv"), format!("\u{feff}{csv}")).unwrap();
    std::fs::write(d.join("cases.jsonl"), jsonl).unwrap();
    let eval = |f: &str| results(&d.join(f), &[]);
    let (expected, _, code) = eval("cases.jsonl");
    assert_eq!(code, 0);
    assert!(expected.contains(r#""competition":"1000000.00""#), "{expected}");
    let (from_gbk, note, _) = eval("gbk.csv");
    assert_eq!(from_gbk, expected);
    assert!(note.contains("read as GBK"), "{note}");
    let (from_bom, note, _) = eval("bom.csv");
    assert_eq!(from_bom, expected);
    assert!(note.is_empty(), "{note}");
    // the encoding said, not told: GBK read as GBK; GBK said to be UTF-8 is refused, not misread
    let said = |encoding: &str| results(&d.join("gbk.csv"), &["--encoding", encoding]);
    assert_eq!(said("gbk").0, expected);
    let (out, err, code) = said("utf-8");
    assert_ne!(code, 0);
    assert!(out.is_empty() && err.contains("UTF-8"), "{out}{err}");
    let _ = std::fs::remove_dir_all(&d);
}

/// A bureau heads its sheet in Chinese: the inputs' labels (and 编号, 申报年度)
/// name the same fields as their names do.
#[test]
fn columns_headed_with_the_chinese_labels_read_as_the_field_names() {
    let d = dir("labels");
    let rows = "甲公司,2025,是,是,300000.3,一等奖,4\n乙公司,2026,否,TRUE,1000000,,\n";
    let named = format!("id,year,sme,significant_effect,model_service_spend,competition_national,dcmm_level\n{rows}");
    let labelled = format!(
        "编号,申报年度,中小微企业,应用成效显著,模型服务采购合同总金额,“数据要素×”大赛全国总决赛奖项,本年度首次通过的DCMM等级\n{rows}"
    );
    std::fs::write(d.join("named.csv"), named).unwrap();
    std::fs::write(d.join("labelled.csv"), labelled).unwrap();
    let eval = |f: &str| results(&d.join(f), &[]);
    let (expected, _, code) = eval("named.csv");
    assert_eq!(code, 0);
    assert!(expected.contains(r#""competition":"1000000.00""#), "{expected}");
    let (from_labels, err, code) = eval("labelled.csv");
    assert_eq!((from_labels, code), (expected, 0), "{err}");
    let _ = std::fs::remove_dir_all(&d);
}

/// A workbook whose cases are not on its first sheet (a 说明 sheet before
/// them, as bureaus send): `--sheet` names the one to read.
#[test]
fn a_named_sheet_is_read_and_a_missing_one_is_named_with_those_there_are() {
    let d = dir("sheets");
    let path = d.join("round.xlsx");
    let mut book = Workbook::new();
    book.add_worksheet()
        .set_name("说明")
        .unwrap()
        .write_string(0, 0, "本表由区经信局汇总")
        .unwrap();
    let ws = book.add_worksheet().set_name("申报").unwrap();
    for (c, h) in ["编号", "申报年度", "中小微企业", "模型服务采购合同总金额"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "甲公司").unwrap();
    ws.write_number(1, 1, 2025.0).unwrap();
    ws.write_boolean(1, 2, true).unwrap();
    ws.write_number(1, 3, 500_000.0).unwrap();
    book.save(&path).unwrap();
    let jsonl = d.join("round.jsonl");
    std::fs::write(
        &jsonl,
        "{\"id\":\"甲公司\",\"year\":2025,\"sme\":true,\"model_service_spend\":500000}\n",
    )
    .unwrap();
    let (expected, _, _) = results(&jsonl, &[]);
    let (got, err, code) = results(&path, &["--sheet", "申报"]);
    assert_eq!((got, code), (expected, 0), "{err}");
    let (_, err, code) = zhice(&["eval", POLICY, "--cases", path.to_str().unwrap(), "--sheet", "汇总"]);
    assert_ne!(code, 0);
    assert!(err.contains("汇总") && err.contains("说明, 申报"), "{err}");
    let _ = std::fs::remove_dir_all(&d);
}

/// A sheet as bureaus lay it out — a title above the table, which starts in
/// column B, and blank rows between cases: a rejected row is named by the
/// sheet, the row and the column Excel shows, headed as the sheet heads it.
#[test]
fn a_rejected_row_names_its_sheet_row_and_column() {
    let d = dir("rows");
    let path = d.join("round.xlsx");
    let mut book = Workbook::new();
    let ws = book.add_worksheet().set_name("申报").unwrap();
    ws.write_string(0, 1, "2025年第一批申报汇总").unwrap();
    for (c, h) in ["编号", "申报年度", "中小微企业", "模型服务采购合同总金额"]
        .iter()
        .enumerate()
    {
        ws.write_string(2, c as u16 + 1, *h).unwrap();
    }
    let cases: [(u32, &str, &str); 2] = [(3, "甲公司", "是"), (6, "乙公司", "也许")];
    for (r, id, sme) in cases {
        ws.write_string(r, 1, id).unwrap();
        ws.write_number(r, 2, 2025.0).unwrap();
        ws.write_string(r, 3, sme).unwrap();
        ws.write_number(r, 4, 500_000.0).unwrap();
    }
    book.save(&path).unwrap();
    let (got, note, code) = results(&path, &[]);
    assert_eq!(code, 1, "the bad row is an error: {got}");
    assert!(note.contains("the first 1 row(s)") && note.contains("title"), "{note}");
    let lines = json_lines(&got);
    assert_eq!(lines.len(), 2, "the title and the blank rows are no cases: {got}");
    assert!(lines[0]["errors"].as_array().unwrap().is_empty(), "{got}");
    let bad = &lines[1];
    assert_eq!(
        (bad["sheet"].as_str(), bad["line"].as_u64()),
        (Some("申报"), Some(7)),
        "{got}"
    );
    let error = &bad["errors"][0];
    assert_eq!(
        (
            error["field"].as_str(),
            error["column"].as_str(),
            error["heading"].as_str()
        ),
        (Some("sme"), Some("D"), Some("中小微企业")),
        "{got}"
    );
    let (text, _, _) = zhice(&["eval", POLICY, "--cases", path.to_str().unwrap()]);
    assert!(
        text.contains("sheet `申报` row 7: 乙公司  rejected")
            && text.contains("error in `sme` (column D: 中小微企业):"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// A CSV file's rows are named by the line each starts on, whatever blank
/// lines, Windows line ends and cells broken over lines come before it.
#[test]
fn a_rejected_csv_row_is_named_by_the_line_it_starts_on() {
    let d = dir("csv-rows");
    let path = d.join("round.csv");
    std::fs::write(
        &path,
        "编号,申报年度,中小微企业\r\n甲公司,2025,是\r\n\r\n,,\r\n\"乙\r\n公司\",2025,否\r\n丙公司,2025,也许\r\n",
    )
    .unwrap();
    let (got, _, _) = results(&path, &[]);
    let lines = json_lines(&got);
    assert_eq!(
        lines.len(),
        3,
        "a blank row and a row of empty cells are no cases: {got}"
    );
    let bad = &lines[2];
    assert_eq!(
        (bad["id"].as_str(), bad["line"].as_u64()),
        (Some("丙公司"), Some(7)),
        "{got}"
    );
    assert_eq!(bad.get("sheet"), None);
    assert_eq!(
        (
            bad["errors"][0]["column"].as_str(),
            bad["errors"][0]["heading"].as_str()
        ),
        (Some("C"), Some("中小微企业"))
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// The review's impact as a workbook: a sheet for each of its tables, the
/// budget by measure with its amounts as numbers, the same as the JSON says.
#[test]
fn the_impact_of_a_change_as_a_workbook() {
    let d = dir("impact");
    let out = d.join("impact.xlsx");
    let args = [
        "diff",
        "policies/tongzhou-2025-draft.policy",
        "policies/tongzhou-2025-illustrative-amendment.policy",
        "--cases",
        "examples/review-cases.jsonl",
        "--lang",
        "en",
    ];
    let (_, err, _) = zhice(&[&args[..], &["--format", "xlsx", "--out", out.to_str().unwrap()]].concat());
    assert!(err.contains("impact.xlsx"), "{err}");
    let (json, _, _) = zhice(&[&args[..], &["--format", "json"]].concat());
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let names = book.sheet_names();
    let impact = names
        .iter()
        .find(|n| n.starts_with("Impact on"))
        .expect("an impact sheet")
        .clone();
    let sheet = book.worksheet_range(&impact).unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(header[..4], ["award", "measure", "before", "after"]);
    // every award the JSON says moved has its row, its totals as numbers
    let moved: Vec<&serde_json::Value> = json["impact"]["awards"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["total_old"] != a["total_new"])
        .collect();
    assert!(!moved.is_empty());
    for a in moved {
        let row = rows
            .iter()
            .find(|r| r[0] == a["id"].as_str().unwrap())
            .unwrap_or_else(|| panic!("a row for {}", a["id"]));
        let new: f64 = a["total_new"].as_str().unwrap().parse().unwrap();
        assert_eq!(row[3], Data::Float(new), "{}", a["id"]);
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// `--summary-xlsx`: the summary's table of awards as a sheet, each total the
/// number `--summary-json` gives.
#[test]
fn the_summary_as_a_workbook() {
    let d = dir("summary");
    let (xlsx, json) = (d.join("summary.xlsx"), d.join("summary.json"));
    let (_, err, code) = zhice(&[
        "eval",
        POLICY,
        "--cases",
        "tests/data/tongzhou/examples.jsonl",
        "--lang",
        "en",
        "--summary-xlsx",
        xlsx.to_str().unwrap(),
        "--summary-json",
        json.to_str().unwrap(),
    ]);
    assert!(code <= 1, "{err}");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    let total = header.iter().position(|h| h == "total").expect("a total column");
    let awards = json["awards"].as_object().unwrap();
    assert!(!awards.is_empty());
    for (id, a) in awards {
        let row = rows
            .iter()
            .find(|r| r[0] == id.as_str())
            .unwrap_or_else(|| panic!("a row for {id}"));
        let expected: f64 = a["total"].as_str().unwrap().parse().unwrap();
        assert_eq!(row[total], Data::Float(expected), "{id}");
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// A reviewer passes the round as the bureau keeps it: `diff --cases` reads a
/// CSV file as `eval` does (not as JSON lines), and names a rejected row by its line.
#[test]
fn the_impact_of_a_change_on_a_csv_round() {
    let d = dir("diff-csv");
    let csv = d.join("round.csv");
    std::fs::write(
        &csv,
        "编号,申报年度,中小微企业,模型服务采购合同总金额\n甲公司,2025,是,500000\n\n乙公司,2025,也许,1\n",
    )
    .unwrap();
    let jsonl = d.join("round.jsonl");
    std::fs::write(
        &jsonl,
        "{\"id\":\"甲公司\",\"year\":2025,\"sme\":true,\"model_service_spend\":\"500000\"}\n",
    )
    .unwrap();
    let amendment = "policies/tongzhou-2025-illustrative-amendment.policy";
    let impact = |cases: &Path| {
        let (out, err, _) = zhice(&[
            "diff",
            POLICY,
            amendment,
            "--cases",
            cases.to_str().unwrap(),
            "--format",
            "json",
        ]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
        v["impact"].clone()
    };
    let (from_csv, from_jsonl) = (impact(&csv), impact(&jsonl));
    assert_eq!(from_csv["total_new"], from_jsonl["total_new"], "{from_csv}");
    assert_eq!(from_csv["cases"], 2, "{from_csv}");
    let rejected = &from_csv["rejected"][0];
    assert_eq!(
        (rejected["id"].as_str(), rejected["line"].as_u64()),
        (Some("乙公司"), Some(4)),
        "{from_csv}"
    );
    let _ = std::fs::remove_dir_all(&d);
}
