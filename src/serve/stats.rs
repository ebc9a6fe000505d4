//! What the server answered over the last minute, for one log line: how many
//! requests, how many of each error status, and the median and 99th
//! percentile of their times. Memory is fixed: each power of two of
//! microseconds is cut in four buckets, so a percentile is given as the upper
//! edge of its bucket: at most a quarter above the true time.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

/// Buckets of time: four for each power of two of microseconds, up to 2^40 µs (12 days).
const BUCKETS: usize = 4 * 40;

#[derive(Default)]
pub struct Stats {
    window: Mutex<Window>,
}

struct Window {
    requests: u64,
    /// status ≥ 400 → how many
    errors: BTreeMap<u16, u64>,
    times: [u64; BUCKETS],
}

impl Default for Window {
    fn default() -> Self {
        Window {
            requests: 0,
            errors: BTreeMap::new(),
            times: [0; BUCKETS],
        }
    }
}

/// One window's figures, taken and reset.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub requests: u64,
    pub errors: BTreeMap<u16, u64>,
    pub p50: Duration,
    pub p99: Duration,
}

impl Summary {
    /// `404×3 413×1`, or `none`.
    pub fn errors_text(&self) -> String {
        if self.errors.is_empty() {
            return "none".into();
        }
        let parts: Vec<String> = self.errors.iter().map(|(code, n)| format!("{code}×{n}")).collect();
        parts.join(" ")
    }
}

fn bucket(micros: u64) -> usize {
    if micros < 4 {
        return micros as usize;
    }
    // the power of two, then the two bits below its leading one
    let whole = 63 - micros.leading_zeros() as usize;
    let quarter = ((micros >> (whole - 2)) & 3) as usize;
    (whole * 4 + quarter).min(BUCKETS - 1)
}

/// The upper edge of bucket `b`, as a duration.
fn upper(b: usize) -> Duration {
    if b < 4 {
        return Duration::from_micros(b as u64 + 1);
    }
    let (whole, quarter) = (b / 4, (b % 4) as u64);
    Duration::from_micros((4 + quarter + 1) << (whole - 2))
}

impl Stats {
    pub fn record(&self, status: u16, took: Duration) {
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        if let Ok(mut w) = self.window.lock() {
            w.requests += 1;
            if status >= 400 {
                *w.errors.entry(status).or_default() += 1;
            }
            w.times[bucket(micros)] += 1;
        }
    }

    /// The window's figures, and a fresh window; `None` when nothing was asked.
    pub fn take(&self) -> Option<Summary> {
        let w = std::mem::take(&mut *self.window.lock().ok()?);
        if w.requests == 0 {
            return None;
        }
        // the smallest time at or above `percent` % of the requests
        let at = |percent: u64| {
            let rank = (w.requests * percent).div_ceil(100).max(1);
            let mut seen = 0;
            for (b, n) in w.times.iter().enumerate() {
                seen += n;
                if seen >= rank {
                    return upper(b);
                }
            }
            upper(BUCKETS - 1)
        };
        Some(Summary {
            requests: w.requests,
            p50: at(50),
            p99: at(99),
            errors: w.errors,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_within_a_bucket_and_the_window_resets() {
        let s = Stats::default();
        assert_eq!(s.take(), None);
        // 98 fast requests, 2 slow ones: the median is fast, the 99th slow
        for _ in 0..98 {
            s.record(200, Duration::from_micros(1_000));
        }
        s.record(404, Duration::from_millis(80));
        s.record(503, Duration::from_millis(80));
        let sum = s.take().expect("a window");
        assert_eq!(sum.requests, 100);
        assert_eq!(sum.errors_text(), "404×1 503×1");
        assert!(
            sum.p50 >= Duration::from_micros(1_000) && sum.p50 <= Duration::from_micros(1_250),
            "{:?}",
            sum.p50
        );
        assert!(
            sum.p99 >= Duration::from_millis(80) && sum.p99 <= Duration::from_millis(100),
            "{:?}",
            sum.p99
        );
        assert_eq!(s.take(), None, "a new window starts empty");
    }

    #[test]
    fn every_time_has_a_bucket() {
        for micros in (0..5000).chain([1 << 20, (1 << 39) - 1, u64::MAX]) {
            let b = bucket(micros);
            assert!(b < BUCKETS);
            if micros < 1 << 39 {
                let edge = upper(b).as_micros() as u64;
                assert!(edge > micros && edge <= micros + micros / 4 + 1, "{micros} → {edge}");
            }
        }
    }
}
