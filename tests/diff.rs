//! `zhice diff`: the HTML page stands alone, and a what-if `--set` gives the
//! same review as the edited file it stands for.

// Test helpers may fail loudly: a panic here is a failing test, not a crash.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)]

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn zhice(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_zhice"))
        .env("ZHICE_LANG", "en")
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env("NO_COLOR", "1")
        .output()
        .expect("run zhice");
    // 1 when some review case is rejected by a version (the example cases hold one on purpose).
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn the_html_page_is_a_complete_standalone_document() {
    let page = zhice(&[
        "diff",
        "policies/tongzhou-2025-draft.policy",
        "policies/tongzhou-2025-illustrative-amendment.policy",
        "--cases",
        "examples/review-cases.jsonl",
        "--format",
        "html",
    ]);
    assert!(page.starts_with("<!DOCTYPE html>\n<html"), "starts as an HTML document");
    assert!(page.trim_end().ends_with("</html>"), "ends as one");
    for part in [
        "<head>",
        "</head>",
        "<body>",
        "</body>",
        "<meta charset=\"utf-8\">",
        "<style>",
    ] {
        assert_eq!(page.matches(part).count(), 1, "exactly one {part}");
    }
    // One title for the page (the pictures' own titles are inside the body).
    let head = page.split("<body>").next().unwrap_or("");
    assert_eq!(head.matches("<title>").count(), 1, "exactly one page <title>");
    assert!(
        page.contains("<svg") && page.contains("role=\"img\""),
        "the review has its pictures"
    );
    // Nothing is fetched: no scripts, stylesheets, images, fonts or links out.
    for outside in [
        "<script", "<link", "<img", "<iframe", "src=", "href=", "url(", "@import", "http://", "https://",
    ] {
        assert!(!page.contains(outside), "the page refers outside itself: {outside}");
    }
    // Every tag that opens a table closes it.
    assert_eq!(page.matches("<table").count(), page.matches("</table>").count());
    assert!(
        page.contains("<ins>") && page.contains("<del>"),
        "clause text is marked"
    );
}

/// The JSON review without the file names, which name what was compared.
fn review(args: &[&str]) -> Value {
    let mut v: Value = serde_json::from_str(&zhice(args)).expect("json");
    let diff = v["diff"].as_object_mut().expect("diff");
    diff.remove("old_path");
    diff.remove("new_path");
    v
}

#[test]
fn a_what_if_set_gives_the_same_review_as_an_edited_copy() {
    let old = "tests/fixtures/diff/parameter-changed/old.policy";
    let edited = "tests/fixtures/diff/parameter-changed/new.policy";
    let cases = "tests/fixtures/cli/weighted-cases.jsonl";
    let by_file = review(&["diff", old, edited, "--format", "json"]);
    let by_set = review(&[
        "diff",
        old,
        old,
        "--set",
        "model_voucher_cap=50万元",
        "--format",
        "json",
    ]);
    assert_eq!(by_set, by_file);
    assert!(
        !by_set["diff"]["params"].as_array().expect("params").is_empty(),
        "the change is reported"
    );

    let tongzhou = "policies/tongzhou-2025-draft.policy";
    let with_cases = |extra: &[&str]| {
        let mut args = vec!["diff", tongzhou];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--cases", cases, "--weight", "weight", "--format", "json"]);
        review(&args)
    };
    let a = with_cases(&[tongzhou, "--set", "data_voucher_rate=15%"]);
    // W-1: 10% of 800,000 × weight 120 = 9,600,000; W-2: 10% of 9,000,000 × 3.5 = 3,150,000.
    let amount = |v: &Value| v.as_str().and_then(|s| s.parse::<f64>().ok()).expect("an amount");
    assert_eq!(
        amount(&a["impact"]["total_old"]),
        12_750_000.0,
        "the weighted old budget"
    );
    // At 15%: W-1 120,000 × 120 = 14,400,000; W-2 capped at 1,000,000 × 3.5 = 3,500,000.
    assert_eq!(
        amount(&a["impact"]["total_new"]),
        17_900_000.0,
        "the weighted new budget"
    );
    assert_eq!(
        a["impact"]["rejected"].as_array().map(Vec::len),
        Some(1),
        "the case without a weight"
    );
}
