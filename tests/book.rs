//! `zhice doc`: the book of every bundled policy is one standalone page whose
//! internal links all land, in HTML and in Markdown; and the page loads in
//! real headless Chromium (Debian's package), with the review page, with no console message
//! and nothing wider than the screen, on a desktop and on a phone (390 px), screenshots taken.
//!
//! The browser part needs `chromium`; without it, it says so and passes,
//! unless `ZHICE_REQUIRE_BROWSER=1` (which `.ci/run` sets after installing it).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zhice-book-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes the book of `policy` (with `previous`) into `dir`.
fn doc(policy: &str, previous: Option<&str>, dir: &Path, more: &[&str]) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zhice"));
    cmd.args(["doc", policy, "--out", dir.to_str().unwrap()])
        .args(more)
        .current_dir(support::root());
    if let Some(p) = previous {
        cmd.args(["--previous", p]);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn books() -> Vec<(String, Option<String>)> {
    let mut out = vec![
        ("policies/tongzhou-2025-draft.policy".to_string(), None),
        (
            "policies/tongzhou-2025-illustrative-amendment.policy".to_string(),
            Some("policies/tongzhou-2025-draft.policy".to_string()),
        ),
    ];
    out.extend(
        support::CORPUS
            .iter()
            .map(|c| (format!("policies/corpus/{c}.policy"), None)),
    );
    out
}

/// The values of `attr="…"` in `html`.
fn attributes<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!("{attr}=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

#[test]
fn every_book_is_standalone_and_its_links_land() {
    let dir = scratch("links");
    for (policy, previous) in books() {
        doc(&policy, previous.as_deref(), &dir, &[]);
        let html = std::fs::read_to_string(dir.join("index.html")).unwrap();
        let ids: Vec<&str> = attributes(&html, "id");
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "{policy}: an id used twice");
        let hrefs = attributes(&html, "href");
        assert!(hrefs.len() > 5, "{policy}: a contents with links");
        for href in hrefs {
            let target = href
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("{policy}: a link out of the page: {href}"));
            assert!(unique.contains(target), "{policy}: #{target} lands nowhere");
        }
        assert!(
            attributes(&html, "src").is_empty(),
            "{policy}: the page loads nothing else"
        );
        assert!(!html.contains("<script"), "{policy}");
        // every measure has its section
        let md = std::fs::read_to_string(dir.join("index.md")).unwrap();
        let anchors: BTreeSet<&str> = attributes(&md, "id").into_iter().collect();
        for link in md.split("](#").skip(1) {
            let target = &link[..link.find(')').unwrap()];
            assert!(
                anchors.contains(target),
                "{policy}: Markdown link #{target} lands nowhere"
            );
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// Loads `page` in headless Chromium, `width` × `height` pixels wide; the
/// console messages it logged, and the screenshot's size. Headless Chromium
/// will not make its window narrower than 500 pixels, so the page is shown in
/// a frame of the width asked for; a copy of it reports, as a console error,
/// anything wider than that frame (a page a phone would scroll sideways).
fn load(
    browser: &str,
    (page, fragment): (&Path, &str),
    shot: &Path,
    (width, height): (u32, u32),
    profile: &Path,
) -> (Vec<String>, u64) {
    let dir = page.parent().unwrap();
    let html = std::fs::read_to_string(page).unwrap();
    let checked = html
        .replacen("</head>", "<style>html{scrollbar-width:none}</style></head>", 1)
        .replacen("</body>", &format!("{OVERFLOW}</body>"), 1);
    let inner = dir.join("checked.html");
    std::fs::write(&inner, checked).unwrap();
    let frame = dir.join("frame.html");
    std::fs::write(
        &frame,
        format!(
            "<!DOCTYPE html><html><body style=\"margin:0\"><iframe src=\"checked.html{fragment}\" \
             style=\"border:0;display:block;width:{width}px;height:{height}px\"></iframe></body></html>"
        ),
    )
    .unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size={width},{height}"))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", frame.display()))
        .output()
        .expect("run chromium");
    let log = String::from_utf8_lossy(&out.stderr);
    let console: Vec<String> = log
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    (console, std::fs::metadata(shot).map_or(0, |m| m.len()))
}

/// Logs the elements that reach past the page's width, if any do.
const OVERFLOW: &str = "<script>(function(){var d=document.documentElement;if(d.scrollWidth>d.clientWidth){\
var wide=[];document.querySelectorAll('body *').forEach(function(e){var r=e.getBoundingClientRect();\
if(r.right>d.clientWidth+1)wide.push(e.tagName+' '+Math.round(r.right)+'px')});\
console.error('zhice-overflow: '+d.scrollWidth+'px wide in '+d.clientWidth+'px: '+wide.slice(0,6).join(', '))}})()</script>";

#[test]
fn the_book_and_the_review_load_in_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("ZHICE_REQUIRE_BROWSER").is_none(),
            "the browser test must run here, but Chromium is not installed"
        );
        eprintln!("skipping the browser test: Chromium is not installed (apt-get install chromium)");
        return;
    };
    let dir = scratch("browser");
    let profile = dir.join("profile");
    // The checks themselves can fail: a page that logs, and a page too wide for a phone, are caught.
    for (name, body, caught) in [
        ("logs", "<script>console.error('zhice-probe')</script>", "zhice-probe"),
        ("wide", "<div style=\"width:600px\">x</div>", "zhice-overflow"),
    ] {
        let probe = dir.join(format!("{name}.html"));
        std::fs::write(
            &probe,
            format!("<!DOCTYPE html><html><head></head><body>{body}</body></html>"),
        )
        .unwrap();
        let (console, _) = load(browser, (&probe, ""), &dir.join("probe.png"), (390, 300), &profile);
        assert!(
            console.iter().any(|l| l.contains(caught)),
            "`{caught}` is not seen: {console:?}"
        );
    }

    // With applications, the book's changes show the budget and who gains and loses, as pictures.
    doc(
        "policies/tongzhou-2025-illustrative-amendment.policy",
        Some("policies/tongzhou-2025-draft.policy"),
        &dir,
        &["--cases", "examples/cases.jsonl", "--lang", "zh"],
    );
    let book = std::fs::read_to_string(dir.join("index.html")).unwrap();
    for picture in [
        "各项措施的资金：修改前与修改后",
        "支持金额随可信数据空间固定资产投资的变化",
    ] {
        assert!(book.contains(&format!("aria-label=\"{picture}\"")), "{picture}");
    }
    let review = Command::new(env!("CARGO_BIN_EXE_zhice"))
        .args([
            "diff",
            "policies/tongzhou-2025-draft.policy",
            "policies/tongzhou-2025-illustrative-amendment.policy",
            "--cases",
            "examples/cases.jsonl",
            "--format",
            "html",
            "--lang",
            "zh",
        ])
        .current_dir(support::root())
        .output()
        .unwrap();
    assert!(review.status.success(), "{}", String::from_utf8_lossy(&review.stderr));
    std::fs::write(dir.join("review.html"), &review.stdout).unwrap();
    // A draft: its stamp on every screen must not widen the page either.
    let draft = Command::new(env!("CARGO_BIN_EXE_zhice"))
        .args([
            "doc",
            "tests/fixtures/cli/book-contradiction.policy",
            "--draft",
            "--lang",
            "zh",
        ])
        .current_dir(support::root())
        .output()
        .unwrap();
    assert!(draft.status.success(), "{}", String::from_utf8_lossy(&draft.stderr));
    let draft_page = String::from_utf8_lossy(&draft.stdout);
    assert!(draft_page.contains("content: \"草稿\"") && draft_page.contains("<h1 id=\"top\">【草稿】"));
    std::fs::write(dir.join("draft.html"), draft_page.as_bytes()).unwrap();

    let mut shots = Vec::new();
    let views = [
        ("index", "", "book"),
        ("index", "#m-data_space", "book-measure"),
        ("review", "", "review"),
        ("draft", "", "draft"),
    ];
    for (page, fragment, view) in views {
        for (size, device) in [((1280, 2000), "desktop"), ((390, 844), "phone")] {
            let name = format!("{view}-{device}.png");
            let shot = dir.join(&name);
            let page = dir.join(format!("{page}.html"));
            let (console, bytes) = load(browser, (&page, fragment), &shot, size, &profile);
            assert!(
                console.is_empty(),
                "console messages of {view} at {size:?}: {console:?}"
            );
            assert!(bytes > 10_000, "a screenshot of {view} at {size:?} ({bytes} bytes)");
            shots.push(name);
        }
    }
    // `ZHICE_KEEP_SCREENSHOTS=docs/images cargo test --test book` renews the pictures in the docs.
    if let Some(keep) = std::env::var_os("ZHICE_KEEP_SCREENSHOTS") {
        for name in shots {
            std::fs::copy(dir.join(&name), Path::new(&keep).join(&name)).unwrap();
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}
