//! The whole HTTP service, driven in-process: any method, path, headers and
//! body. Never a server error (5xx) — but the 503 a policy that never checked
//! is documented to answer — and never a path of the server's disk in an answer.
#![no_main]

mod common;

use axum::body::Body;
use axum::http::Request;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use std::time::Duration;
use tower::ServiceExt;
use zhice::serve::{self, Limits};

struct Served {
    router: axum::Router,
    dir: String,
    runtime: tokio::runtime::Runtime,
}

fn served() -> &'static Served {
    static S: OnceLock<Served> = OnceLock::new();
    S.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("zhice-fuzz-http-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        for f in ["tongzhou-2025-draft.policy", "tongzhou-2025-draft.tests", "corpus/P09-budget-pool.policy"] {
            let from = common::policies_dir().join(f);
            let name = from.file_name().map(|n| n.to_os_string()).unwrap_or_default();
            let _ = std::fs::copy(&from, dir.join(name));
        }
        // one that never checks, so that refusals are answered too
        let _ = std::fs::write(dir.join("broken.policy"), "policy \"x\" { version \"1\" }\nmeasure m 1 \"m\" { award nothing }\n");
        let limits = Limits {
            body_bytes: 1 << 20,
            cases: 1000,
            request_time: Duration::from_secs(10),
            in_flight: 64,
        };
        let (app, _) = serve::app(&dir, limits);
        let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(r) => r,
            Err(e) => panic!("a runtime: {e}"),
        };
        Served {
            router: serve::router(app),
            dir: dir.display().to_string(),
            runtime,
        }
    })
}

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"];
const PATHS: [&str; 9] = [
    "/v1/policies/tongzhou-2025-draft/eval",
    "/v1/policies/tongzhou-2025-draft/batch",
    "/v1/policies/tongzhou-2025-draft/explain",
    "/v1/policies/P09-budget-pool/batch",
    "/v1/policies/broken",
    "/v1/policies/tongzhou-2025-draft/bounds",
    "/v1/diff",
    "/v1/policies",
    "/",
];

fuzz_target!(|data: &[u8]| {
    let s = served();
    // byte 0: the method; byte 1: a known path, or (odd) the path the data spells
    let (Some(&m), Some(&p)) = (data.first(), data.get(1)) else { return };
    let rest = &data[2..];
    let (head, body) = match rest.iter().position(|b| *b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    let head = String::from_utf8_lossy(head);
    let mut lines = head.split('\n');
    let first = lines.next().unwrap_or_default();
    let path = if p % 2 == 0 {
        format!("{}{}", PATHS[usize::from(p / 2) % PATHS.len()], first)
    } else {
        format!("/{first}")
    };
    let broken = path.contains("/broken");
    let mut req = Request::builder().method(METHODS[usize::from(m) % METHODS.len()]).uri(path);
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            req = req.header(k.trim(), v.trim());
        }
    }
    // (an answer may echo what the request itself said, the case's id for one)
    let asked = String::from_utf8_lossy(data).contains(&s.dir);
    let Ok(req) = req.body(Body::from(body.to_vec())) else { return };
    let router = s.router.clone();
    let (status, text) = s.runtime.block_on(async move {
        let Ok(response) = router.oneshot(req).await;
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 64 << 20).await.unwrap_or_default();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    });
    assert!(status.as_u16() < 500 || (broken && status.as_u16() == 503), "{status}: {text}");
    assert!(asked || !text.contains(&s.dir), "the server's directory in an answer: {text}");
    let home = |t: &str| t.contains("/home/") || t.contains("/root/");
    assert!(home(&String::from_utf8_lossy(data)) || !home(&text), "a home directory in an answer: {text}");
});
