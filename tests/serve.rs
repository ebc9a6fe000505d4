//! `zhice serve` on an ephemeral loopback port: every endpoint, every limit,
//! reloading (a broken version refused while the one before keeps serving),
//! request ids in the log, graceful shutdown; and every JSON answer checked
//! against the OpenAPI document the server itself serves.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

#[path = "support/http.rs"]
mod http;
mod support;

use http::{get, post, request, Answer};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    addr: String,
    log: Arc<Mutex<String>>,
    dir: PathBuf,
}

impl Server {
    fn start(name: &str, extra: &[&str]) -> Server {
        Server::start_logging(name, extra, "info")
    }

    /// Starts a server whose log is at `level` (`ZHICE_LOG`).
    fn start_logging(name: &str, extra: &[&str], level: &str) -> Server {
        let dir = std::env::temp_dir().join(format!("zhice-serve-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for f in [
            "tongzhou-2025-draft.policy",
            "tongzhou-2025-draft.tests",
            "tongzhou-2025-illustrative-amendment.policy",
            "tongzhou-2025-illustrative-amendment.tests",
            "corpus/P09-budget-pool.policy",
        ] {
            let to = dir.join(Path::new(f).file_name().unwrap());
            std::fs::copy(support::root().join("policies").join(f), to).unwrap();
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_zhice"))
            .args([
                "serve",
                dir.to_str().unwrap(),
                "--listen",
                "127.0.0.1:0",
                "--reload-ms",
                "50",
            ])
            .args(extra)
            .env("ZHICE_LANG", "en")
            .env("ZHICE_LOG", level)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start zhice serve");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    // `zhice serve: listening on http://…` (or its Chinese)
                    let said = line
                        .strip_prefix("zhice serve: ")
                        .and_then(|l| l.split("http://").nth(1));
                    if let Some(addr) = said {
                        let _ = tx.send(addr.trim().to_string());
                    }
                    let mut l = log.lock().unwrap();
                    l.push_str(&line);
                    l.push('\n');
                }
            });
        }
        let addr = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the server says where it listens");
        Server { child, addr, log, dir }
    }

    fn terminate(&mut self) -> Option<i32> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if let Ok(Some(s)) = self.child.try_wait() {
                return s.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Checks a JSON answer against the schema the served OpenAPI document gives
/// for this operation and status.
struct Contract {
    doc: Value,
}

impl Contract {
    fn fetch(addr: &str) -> Contract {
        let a = get(addr, "/openapi.json");
        assert_eq!(a.status, 200);
        let doc = a.json();
        assert_eq!(doc["openapi"], "3.1.0");
        Contract { doc }
    }

    fn check(&self, path: &str, method: &str, a: &Answer) -> Value {
        let op = &self.doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not in the OpenAPI document");
        let response = &op["responses"][a.status.to_string()];
        assert!(
            response.is_object(),
            "{method} {path} answered {} which the document does not list: {}",
            a.status,
            a.text()
        );
        let content = response["content"].as_object().expect("content");
        let (_, media) = content.iter().next().unwrap();
        let mut schema = media["schema"].clone();
        let body = if a.header("content-type").is_some_and(|c| c.contains("ndjson")) {
            // a stream of result lines: each line is one of the schema
            let lines: Vec<Value> = a.text().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
            schema = json!({ "type": "array", "items": schema });
            Value::Array(lines)
        } else if a.header("content-type").is_some_and(|c| c.contains("json")) {
            a.json()
        } else {
            return Value::Null;
        };
        if let Some(obj) = schema.as_object_mut() {
            obj.insert("components".into(), self.doc["components"].clone());
        }
        let v = jsonschema::draft202012::new(&schema).expect("a valid schema");
        let errors: Vec<String> = v
            .iter_errors(&body)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{method} {path} {}: {errors:?}\n{}",
            a.status,
            a.text()
        );
        body
    }
}

const DRAFT: &str = "tongzhou-2025-draft";
const AMENDED: &str = "tongzhou-2025-illustrative-amendment";

#[test]
fn every_endpoint() {
    let s = Server::start_logging("endpoints", &[], "debug");
    let addr = s.addr.as_str();
    let api = Contract::fetch(addr);

    let health = api.check("/health", "get", &get(addr, "/health"));
    assert_eq!(health, json!({ "status": "ok", "policies": 3 }));

    let list = api.check("/v1/policies", "get", &get(addr, "/v1/policies"));
    let names: Vec<&str> = list["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["P09-budget-pool", DRAFT, AMENDED]);
    let one = api.check(
        "/v1/policies/{name}",
        "get",
        &get(addr, &format!("/v1/policies/{DRAFT}")),
    );
    assert_eq!(one["version"], "征求意见稿");
    assert_eq!(one["measures"][0]["id"], "data_space");
    assert_eq!(one["digest"].as_str().unwrap().len(), 16);

    // one case, as `zhice eval --case` gives it
    let case = r#"{"id":"A-1","year":2025,"data_space_investment":8000000,"sme":true}"#;
    let a = post(addr, &format!("/v1/policies/{DRAFT}/eval"), case);
    assert_eq!(a.status, 200);
    let r = api.check("/v1/policies/{name}/eval", "post", &a);
    assert_eq!(r["awards"]["data_space"], "1600000.00");
    let cli = zhice_cli(
        &[
            "eval",
            &format!("policies/{DRAFT}.policy"),
            "--case",
            "-",
            "--format",
            "jsonl",
        ],
        case,
    );
    assert_eq!(
        a.text().trim(),
        cli.trim(),
        "the server answers what the command line does"
    );

    // a rejected case: 422, each field named
    let a = post(
        addr,
        &format!("/v1/policies/{DRAFT}/eval"),
        r#"{"id":"B","year":2025,"dcmm_level":9,"sme":"yes"}"#,
    );
    assert_eq!(a.status, 422);
    let r = api.check("/v1/policies/{name}/eval", "post", &a);
    let fields: Vec<&str> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["dcmm_level", "sme"]);
    let a = post(addr, &format!("/v1/policies/{DRAFT}/eval"), "not json");
    assert_eq!(a.status, 422);
    api.check("/v1/policies/{name}/eval", "post", &a);

    // a pinned version
    let digest = one["digest"].as_str().unwrap();
    assert_eq!(
        post(addr, &format!("/v1/policies/{DRAFT}/eval?digest={digest}"), case).status,
        200
    );
    let a = post(
        addr,
        &format!("/v1/policies/{DRAFT}/eval?digest=0000000000000000"),
        case,
    );
    assert_eq!(a.status, 409);
    api.check("/v1/policies/{name}/eval", "post", &a);
    let a = post(addr, &format!("/v1/policies/{DRAFT}/eval?as_of=2025-13-01"), case);
    assert_eq!(a.status, 400);
    api.check("/v1/policies/{name}/eval", "post", &a);

    // a batch, as JSON lines and as an array: the same lines as `zhice eval --cases`
    let cases = std::fs::read_to_string(support::root().join("tests/data/tongzhou/examples.jsonl")).unwrap();
    let cases = format!("{cases}{{\"id\":\"bad\",\"year\":2025,\"dcmm_level\":9}}\n");
    let a = request(
        addr,
        "POST",
        &format!("/v1/policies/{DRAFT}/batch"),
        &[("Content-Type", "application/x-ndjson")],
        cases.as_bytes(),
    );
    assert_eq!(a.status, 200);
    api.check("/v1/policies/{name}/batch", "post", &a);
    let cli = zhice_cli(
        &[
            "eval",
            &format!("policies/{DRAFT}.policy"),
            "--cases",
            "-",
            "--format",
            "jsonl",
        ],
        &cases,
    );
    assert_eq!(a.text(), cli);
    let array: Vec<Value> = cases.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let a = post(
        addr,
        &format!("/v1/policies/{DRAFT}/batch"),
        &Value::Array(array).to_string(),
    );
    assert_eq!(a.text(), cli);

    // a round of a pooled policy: the pools divided as the command line divides them
    let round = std::fs::read_to_string(support::root().join("tests/data/corpus/P09-budget-pool/cases.jsonl")).unwrap();
    let a = request(
        addr,
        "POST",
        "/v1/policies/P09-budget-pool/batch",
        &[],
        round.as_bytes(),
    );
    api.check("/v1/policies/{name}/batch", "post", &a);
    let cli = zhice_cli(
        &[
            "eval",
            "policies/corpus/P09-budget-pool.policy",
            "--cases",
            "-",
            "--format",
            "jsonl",
        ],
        &round,
    );
    assert_eq!(a.text(), cli);

    // explain, as JSON and as text
    let a = post(addr, &format!("/v1/policies/{DRAFT}/explain"), case);
    assert_eq!(a.status, 200);
    let x = api.check("/v1/policies/{name}/explain", "post", &a);
    assert!(x.to_string().contains("data_space"));
    let a = post(addr, &format!("/v1/policies/{DRAFT}/explain?format=text"), case);
    assert_eq!(a.status, 200);
    assert!(a.text().contains("第一条（一）"), "{}", a.text());
    let a = post(
        addr,
        &format!("/v1/policies/{DRAFT}/explain"),
        r#"{"id":"B","year":2025,"dcmm_level":9}"#,
    );
    assert_eq!(a.status, 422);
    api.check("/v1/policies/{name}/explain", "post", &a);

    // diff of the two versions, with cases
    let body = json!({ "old": DRAFT, "new": AMENDED, "cases": [serde_json::from_str::<Value>(case).unwrap(), {"id":"C","year":2026,"data_space_investment":40000000}] });
    let a = post(addr, "/v1/diff", &body.to_string());
    assert_eq!(a.status, 200, "{}", a.text());
    let d = api.check("/v1/diff", "post", &a);
    assert!(d.to_string().contains("data_space_cap"), "{d}");
    let a = post(addr, "/v1/diff", r#"{"old": "nope", "new": "x"}"#);
    assert_eq!(a.status, 404);
    api.check("/v1/diff", "post", &a);
    let a = post(addr, "/v1/diff", "{");
    assert_eq!(a.status, 400);
    api.check("/v1/diff", "post", &a);

    // bounds and the schemas
    let b = api.check(
        "/v1/policies/{name}/bounds",
        "get",
        &get(addr, &format!("/v1/policies/{DRAFT}/bounds")),
    );
    assert!(b["awards"]["data_space"].is_string(), "{b}");
    let sc = api.check(
        "/v1/policies/{name}/schema",
        "get",
        &get(addr, &format!("/v1/policies/{DRAFT}/schema")),
    );
    assert_eq!(sc["$schema"], "https://json-schema.org/draft/2020-12/schema");
    let sr = api.check(
        "/v1/policies/{name}/schema",
        "get",
        &get(addr, &format!("/v1/policies/{DRAFT}/schema?format=result")),
    );
    assert!(sr["properties"]["awards"].is_object());
    let a = get(addr, &format!("/v1/policies/{DRAFT}/schema?format=xml"));
    assert_eq!(a.status, 400);
    api.check("/v1/policies/{name}/schema", "get", &a);

    // nothing outside the directory, and no such policy or endpoint
    for path in [
        "/v1/policies/..%2F..%2F..%2Fetc%2Fpasswd",
        "/v1/policies/%2e%2e/bounds",
        "/v1/policies/..%2Ftongzhou-2025-draft/bounds",
        "/v1/policies/tongzhou-2025-draft.tests",
        "/v1/policies/nope/bounds",
    ] {
        let a = get(addr, path);
        assert_eq!(a.status, 404, "{path}: {}", a.text());
        assert!(!a.text().contains("root:"), "{path}");
        assert_eq!(a.json()["error"]["code"], "zhice::serve::not-found");
    }
    let a = get(addr, "/etc/passwd");
    assert_eq!(a.status, 404);
    assert_eq!(get(addr, &format!("/v1/policies/{DRAFT}/eval")).status, 405);

    // every answer carries its request id, and the log (at debug) names it
    let a = request(addr, "GET", "/health", &[("x-request-id", "portal-42")], b"");
    assert_eq!(a.header("x-request-id"), Some("portal-42"));
    let a = get(addr, "/health");
    assert!(a.header("x-request-id").is_some());
    std::thread::sleep(Duration::from_millis(300));
    let log = s.log.lock().unwrap().clone();
    assert!(log.contains("portal-42") && log.contains("/health"), "{log}");
}

fn zhice_cli(args: &[&str], stdin: &str) -> String {
    zhice_in(support::root(), "en", args, stdin)
}

/// The command line's standard output, run in `dir` speaking `lang`.
fn zhice_in(dir: &Path, lang: &str, args: &[&str], stdin: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhice"))
        .args(args)
        .env("ZHICE_LANG", lang)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
}

/// The server and the command line answer the same question with the same
/// bytes, in each language, for every JSON answer: results, explanations,
/// bounds, diffs with their impact, and the schemas.
#[test]
fn the_server_answers_what_the_command_line_prints_in_either_language() {
    let s = Server::start("same-bytes", &[]);
    let (addr, dir) = (s.addr.as_str(), s.dir.as_path());
    let case = r#"{"id":"A-1","year":2025,"data_space_investment":8000000,"sme":true,"dcmm_level":9}"#;
    let good = r#"{"id":"A-2","year":2025,"data_space_investment":8000000,"sme":true}"#;
    let cases = format!(
        "{good}\n{}\n",
        r#"{"id":"C","year":2026,"data_space_investment":40000000}"#
    );
    std::fs::write(dir.join("cases.jsonl"), &cases).unwrap();
    std::fs::write(dir.join("case.json"), good).unwrap();
    let draft = format!("{DRAFT}.policy");
    let amended = format!("{AMENDED}.policy");
    let body: Vec<Value> = cases.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let diff_body = json!({ "old": DRAFT, "new": AMENDED, "cases": body }).to_string();
    let mut languages = Vec::new();
    for lang in ["en", "zh"] {
        let ask = |method: &str, path: &str, body: &str| {
            let a = request(addr, method, path, &[("Accept-Language", lang)], body.as_bytes());
            assert_eq!(a.header("content-language"), Some(lang), "{path}");
            a.text()
        };
        let same = |what: &str, server: String, cli: String| {
            assert!(
                !cli.trim().is_empty(),
                "{what} ({lang}): the command line printed nothing"
            );
            assert_eq!(server, cli, "{what} ({lang}): the server and the command line differ");
        };
        // a rejected case's result line, with its words
        let served = ask("POST", &format!("/v1/policies/{DRAFT}/eval"), case);
        let cli = zhice_in(dir, lang, &["eval", &draft, "--case", "-", "--format", "jsonl"], case);
        same("eval", served.trim().to_string(), cli.trim().to_string());
        languages.push(cli);
        let served = ask("POST", &format!("/v1/policies/{DRAFT}/explain"), good);
        let cli = zhice_in(
            dir,
            lang,
            &["explain", &draft, "--case", "case.json", "--format", "json"],
            "",
        );
        same("explain", served, cli);
        let served = ask("GET", &format!("/v1/policies/{DRAFT}/bounds"), "");
        let cli = zhice_in(dir, lang, &["bounds", &draft, "--format", "json"], "");
        same("bounds", served, cli);
        let served = ask("POST", "/v1/diff", &diff_body);
        let cli = zhice_in(
            dir,
            lang,
            &["diff", &draft, &amended, "--cases", "cases.jsonl", "--format", "json"],
            "",
        );
        same("diff", served, cli);
        for format in ["case", "result"] {
            let served = ask("GET", &format!("/v1/policies/{DRAFT}/schema?format={format}"), "");
            let cli = zhice_in(dir, lang, &["schema", &draft, "--format", format], "");
            same("schema", served, cli);
        }
    }
    // one server, two languages: the same codes and fields, other words
    let (en, zh): (Value, Value) = (
        serde_json::from_str(languages[0].trim()).unwrap(),
        serde_json::from_str(languages[1].trim()).unwrap(),
    );
    assert_eq!(en["errors"][0]["code"], zh["errors"][0]["code"]);
    assert_eq!(en["errors"][0]["field"], zh["errors"][0]["field"]);
    assert_ne!(en["errors"][0]["message"], zh["errors"][0]["message"]);
    let chinese = |v: &Value| {
        v.as_str()
            .unwrap_or("")
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    };
    assert!(chinese(&zh["errors"][0]["message"]) && !chinese(&en["errors"][0]["message"]));
}

#[test]
fn every_limit() {
    let s = Server::start(
        "limits",
        &["--max-body", "4096", "--max-cases", "5", "--timeout-ms", "400"],
    );
    let addr = s.addr.as_str();
    let api = Contract::fetch(addr);

    // a body over the limit: 413, whatever its Content-Length claims or not
    let big = format!(r#"{{"id":"{}","year":2025}}"#, "x".repeat(5000));
    let a = post(addr, &format!("/v1/policies/{DRAFT}/eval"), &big);
    assert_eq!(a.status, 413);
    api.check("/v1/policies/{name}/eval", "post", &a);
    assert_eq!(a.json()["error"]["code"], "zhice::serve::too-large");

    // more cases than allowed: 413
    let six: String = (0..6).map(|i| format!("{{\"id\":\"{i}\",\"year\":2025}}\n")).collect();
    let a = request(
        addr,
        "POST",
        &format!("/v1/policies/{DRAFT}/batch"),
        &[],
        six.as_bytes(),
    );
    assert_eq!(a.status, 413);
    api.check("/v1/policies/{name}/batch", "post", &a);
    let five: String = (0..5).map(|i| format!("{{\"id\":\"{i}\",\"year\":2025}}\n")).collect();
    assert_eq!(
        request(
            addr,
            "POST",
            &format!("/v1/policies/{DRAFT}/batch"),
            &[],
            five.as_bytes()
        )
        .status,
        200
    );

    // a client that never finishes its body: 408 once the time is up
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let head = format!("POST /v1/policies/{DRAFT}/eval HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 100\r\n\r\n{{\"id\":");
    stream.write_all(head.as_bytes()).unwrap();
    let started = Instant::now();
    let a = http::read_answer(&mut stream);
    assert_eq!(a.status, 408, "{}", a.text());
    assert!(started.elapsed() >= Duration::from_millis(350));
    api.check("/v1/policies/{name}/eval", "post", &a);
    assert_eq!(a.json()["error"]["code"], "zhice::serve::timeout");

    // the server is still well
    assert_eq!(get(addr, "/health").status, 200);
}

/// Writes a policy as an editor saves it, whole: a new file renamed over the
/// old, so that the server's watcher never reads one half written (a plain
/// write truncates first, and a reload that lands between reads an empty file).
fn replace(path: &std::path::Path, text: &str) {
    let tmp = path.with_extension("policy.tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn reload_and_a_broken_reload() {
    let s = Server::start("reload", &[]);
    let addr = s.addr.as_str();
    let path = s.dir.join(format!("{DRAFT}.policy"));
    let original = std::fs::read_to_string(&path).unwrap();
    let case = r#"{"id":"A","year":2025,"data_space_investment":40000000}"#;
    let award = |a: &Answer| a.json()["awards"]["data_space"].as_str().unwrap().to_string();
    let eval = |addr: &str| post(addr, &format!("/v1/policies/{DRAFT}/eval"), case);
    assert_eq!(award(&eval(addr)), "5000000.00");
    let digest = |addr: &str| {
        get(addr, &format!("/v1/policies/{DRAFT}")).json()["digest"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let first = digest(addr);

    // an amended cap is served once the file changes
    let raised = original.replacen("= 500万元", "= 600万元", 1);
    assert_ne!(raised, original);
    replace(&path, &raised);
    wait_until(|| digest(addr) != first);
    assert_eq!(award(&eval(addr)), "6000000.00");
    let second = digest(addr);

    // a version that does not check is refused, with its diagnostics; the last good one keeps serving
    replace(
        &path,
        &raised.replacen("at most data_space_cap", "at most data_space_cpa", 1),
    );
    wait_until(|| get(addr, &format!("/v1/policies/{DRAFT}")).json()["refused"].is_object());
    let info = get(addr, &format!("/v1/policies/{DRAFT}")).json();
    assert_eq!(info["digest"], second.as_str());
    let said = info["refused"]["diagnostics"].as_str().unwrap().to_string();
    assert!(said.contains("data_space_cpa"), "{said}");
    // the file named as the served directory names it, never by the server's path
    assert!(said.starts_with(&format!("{DRAFT}.policy:")), "{said}");
    assert!(!said.contains(s.dir.to_str().unwrap()), "{said}");
    // and worded in the language the request asks for
    let ask = |lang: &str| {
        let a = request(
            addr,
            "GET",
            &format!("/v1/policies/{DRAFT}"),
            &[("Accept-Language", lang)],
            b"",
        );
        a.json()["refused"]["diagnostics"].as_str().unwrap().to_string()
    };
    let (en, zh) = (ask("en"), ask("zh"));
    assert!(en.contains(": error[") && zh.contains(": 错误["), "{en}\n{zh}");
    let a = eval(addr);
    assert_eq!(a.status, 200);
    assert_eq!(award(&a), "6000000.00");
    let api = Contract::fetch(addr);
    api.check(
        "/v1/policies/{name}",
        "get",
        &get(addr, &format!("/v1/policies/{DRAFT}")),
    );
    assert!(s.log.lock().unwrap().contains("refused"));

    // mended: served again, nothing refused
    replace(&path, &original);
    wait_until(|| get(addr, &format!("/v1/policies/{DRAFT}")).json()["refused"].is_null());
    assert_eq!(digest(addr), first);
    assert_eq!(award(&eval(addr)), "5000000.00");

    // a new file is served; a removed one is gone
    std::fs::copy(s.dir.join(format!("{AMENDED}.policy")), s.dir.join("copy.policy")).unwrap();
    wait_until(|| get(addr, "/v1/policies/copy").status == 200);
    std::fs::remove_file(s.dir.join("copy.policy")).unwrap();
    wait_until(|| get(addr, "/v1/policies/copy").status == 404);

    // a file that never checked: 503 with the reason in the list
    std::fs::write(s.dir.join("broken.policy"), "policy \"x\" {").unwrap();
    wait_until(|| get(addr, "/v1/policies").json()["refused"]["broken"].is_object());
    let a = post(addr, "/v1/policies/broken/eval", case);
    assert_eq!(a.status, 503);
    api.check("/v1/policies/{name}/eval", "post", &a);
}

fn wait_until(mut ready: impl FnMut() -> bool) {
    let started = Instant::now();
    while !ready() {
        assert!(started.elapsed() < Duration::from_secs(20), "the server did not reload");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn shutdown_finishes_what_is_in_flight() {
    let mut s = Server::start("shutdown", &[]);
    let addr = s.addr.clone();
    let cases = std::fs::read_to_string(support::root().join("tests/data/tongzhou/examples.jsonl")).unwrap();
    let many: String = cases.lines().cycle().take(60_000).map(|l| format!("{l}\n")).collect();
    let path = format!("/v1/policies/{DRAFT}/batch");
    let client = std::thread::spawn(move || request(&addr, "POST", &path, &[], many.as_bytes()));
    std::thread::sleep(Duration::from_millis(150));
    assert_eq!(s.terminate(), Some(0), "the server stops cleanly");
    let a = client.join().unwrap();
    assert_eq!(a.status, 200);
    assert_eq!(a.text().lines().count(), 60_000, "the batch in flight was finished");
    assert!(s.log.lock().unwrap().contains("stopping"));
}

#[test]
fn requests_beyond_the_limit_wait_their_turn() {
    let s = Server::start("in-flight", &["--max-in-flight", "1", "--timeout-ms", "1000"]);
    let addr = s.addr.clone();
    // the one slot is taken by a client that never finishes its body…
    let mut stalled = std::net::TcpStream::connect(&addr).unwrap();
    let head = format!(
        "POST /v1/policies/{DRAFT}/eval HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 100\r\n\r\n{{"
    );
    stalled.write_all(head.as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    // …so the next request waits until the slot is given up (408 at one second)
    let started = Instant::now();
    let waiting = get(&addr, "/health");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(700),
        "it waited for the slot: {waited:?}"
    );
    assert!(matches!(waiting.status, 200 | 408), "{}", waiting.text());
    assert_eq!(http::read_answer(&mut stalled).status, 408);
    // and once nothing is in flight, requests go straight through
    let started = Instant::now();
    assert_eq!(get(&addr, "/health").status, 200);
    assert!(started.elapsed() < Duration::from_millis(700));
}

/// Reads until the server closes the connection (or `limit` passes); what it sent.
fn until_closed(stream: &mut std::net::TcpStream, limit: Duration) -> (Vec<u8>, Duration) {
    use std::io::Read;
    let started = Instant::now();
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut got = Vec::new();
    let _ = stream.read_to_end(&mut got);
    (got, started.elapsed())
}

#[test]
fn slow_and_idle_clients_are_let_go_and_connections_are_bounded() {
    let s = Server::start(
        "connections",
        &[
            "--header-timeout-ms",
            "400",
            "--idle-timeout-ms",
            "900",
            "--max-connections",
            "3",
        ],
    );
    let addr = s.addr.as_str();

    // half a header: the connection is closed once the header time is up
    let mut half = std::net::TcpStream::connect(addr).unwrap();
    half.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ").unwrap();
    let (_, took) = until_closed(&mut half, Duration::from_secs(10));
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(5),
        "closed after {took:?}"
    );

    // a kept-alive connection that sends nothing more is closed too
    let mut kept = std::net::TcpStream::connect(addr).unwrap();
    kept.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let first = http::read_answer(&mut kept);
    assert_eq!(first.status, 200);
    let (_, took) = until_closed(&mut kept, Duration::from_secs(10));
    assert!(took < Duration::from_secs(5), "closed after {took:?}");

    // three connections at once, each silent: the fourth is answered only
    // once one of them is let go
    let silent: Vec<_> = (0..3).map(|_| std::net::TcpStream::connect(addr).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    let a = get(addr, "/health");
    assert_eq!(a.status, 200);
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "the fourth waited for a place: {:?}",
        started.elapsed()
    );
    drop(silent);

    // and the server is well
    assert_eq!(get(addr, "/health").status, 200);
    assert!(s.log.lock().unwrap().contains("listening"));
}

#[test]
fn the_log_sums_up_each_minute_and_says_what_a_refusal_leaves_served() {
    let dir = std::env::temp_dir().join(format!("zhice-serve-log-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("serve.log");
    let s = Server::start("log", &["--summary-ms", "300", "--log-file", file.to_str().unwrap()]);
    let addr = s.addr.as_str();
    for _ in 0..5 {
        assert_eq!(get(addr, "/health").status, 200);
    }
    assert_eq!(get(addr, "/v1/policies/nothing").status, 404);
    // a policy that never checked: nothing is served under its name
    std::fs::write(s.dir.join("broken.policy"), "policy \"x\" {").unwrap();
    wait_until(|| get(addr, "/v1/policies").json()["refused"]["broken"].is_object());
    // a good one broken: the version loaded before keeps serving
    let path = s.dir.join(format!("{DRAFT}.policy"));
    let text = std::fs::read_to_string(&path).unwrap();
    replace(
        &path,
        &text.replacen("at most data_space_cap", "at most data_space_cpa", 1),
    );
    wait_until(|| get(addr, &format!("/v1/policies/{DRAFT}")).json()["refused"].is_object());
    let read = || std::fs::read_to_string(&file).unwrap_or_default();
    wait_until(|| read().contains("summary"));
    let log = read();
    // at info, no line a request: a summary with the count, the errors and the times
    assert!(!log.contains("/health"), "{log}");
    // (the 404 falls in one window or the next)
    let summaries: Vec<&str> = log.lines().filter(|l| l.contains("summary")).collect();
    assert!(
        summaries
            .iter()
            .all(|l| l.contains("requests=") && l.contains("p50_ms=") && l.contains("p99_ms=")),
        "{log}"
    );
    wait_until(|| read().lines().any(|l| l.contains("summary") && l.contains("404×1")));
    let says = |name: &str| {
        log.lines()
            .find(|l| l.contains("refused") && l.contains(name))
            .unwrap()
            .to_string()
    };
    assert!(says("broken").contains("nothing is served"), "{log}");
    assert!(says(DRAFT).contains("keeps serving"), "{log}");
    // the log went to the file, not to standard error
    assert!(!s.log.lock().unwrap().contains("summary"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_server_with_a_registry_reads_ledgers_from_it_and_commits_rounds_only_for_the_token() {
    let dir = std::env::temp_dir().join(format!("zhice-serve-registry-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("grants.db");
    let token_file = dir.join("token");
    let token = "a-long-random-token-0123456789";
    std::fs::write(&token_file, format!("{token}\n")).unwrap();
    let server = Server::start(
        "registry",
        &[
            "--registry",
            db.to_str().unwrap(),
            "--write-token-file",
            token_file.to_str().unwrap(),
        ],
    );
    let path = "/v1/policies/tongzhou-2025-draft";
    let case = r#"{"id":"甲-1","applicant":"甲公司","year":2025,"data_product_spend":"9000000"}"#;
    let first = post(&server.addr, &format!("{path}/eval"), case).json();
    let voucher = first["awards"]["data_voucher"].as_str().unwrap().to_string();
    // no token, a wrong one, then the right one
    let round = format!("{path}/rounds/R1");
    assert_eq!(request(&server.addr, "POST", &round, &[], case.as_bytes()).status, 401);
    let wrong = [("Authorization", "Bearer a-long-random-token-0123456780")];
    assert_eq!(
        request(&server.addr, "POST", &round, &wrong, case.as_bytes()).status,
        401
    );
    let bearer = format!("Bearer {token}");
    let right = [("Authorization", bearer.as_str())];
    let written = request(&server.addr, "POST", &round, &right, case.as_bytes());
    assert_eq!(written.status, 200, "{}", written.text());
    assert_eq!(written.json()["written"], true);
    let again = request(&server.addr, "POST", &round, &right, case.as_bytes());
    assert_eq!(again.json()["written"], false, "{}", again.text());
    let other = r#"{"id":"甲-2","applicant":"甲公司","year":2025,"data_product_spend":"1"}"#;
    assert_eq!(
        request(&server.addr, "POST", &round, &right, other.as_bytes()).status,
        409
    );
    // the same application now finds the voucher paid this year
    let after = post(&server.addr, &format!("{path}/eval"), case).json();
    assert_ne!(
        after["awards"]["data_voucher"].as_str(),
        Some(voucher.as_str()),
        "{after}"
    );
    assert!(server.log.lock().unwrap().contains("round committed"));
    // a case that names no applicant is refused, naming the field
    let nameless = post(&server.addr, &format!("{path}/eval"), r#"{"id":"x","year":2025}"#).json();
    assert_eq!(nameless["errors"][0]["field"], "applicant");
    drop(server);
    // without a token, no endpoint writes
    let reading = Server::start("registry-read", &["--registry", db.to_str().unwrap()]);
    let answer = request(&reading.addr, "POST", &round, &right, case.as_bytes());
    assert_eq!(answer.status, 404, "{}", answer.text());
    let _ = std::fs::remove_dir_all(&dir);
}
