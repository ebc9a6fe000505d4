//! A round's second pass writes the same lines whether its first pass kept
//! the cases (`kept`) or it reads and evaluates them again.

use super::*;
use crate::check::check;
use crate::sample::{case, Rng};
use crate::syntax::{parse, FileKind};

fn program(path: &str) -> Program {
    let src = std::fs::read_to_string(path).unwrap_or_else(|_| panic!("{path} is read"));
    let file = parse(&src, FileKind::Policy).unwrap_or_else(|_| panic!("{path} parses"));
    match check(&file, &[]).policy {
        Some(policy) => crate::compile::compile(policy, &src),
        None => panic!("{path} checks"),
    }
}

/// Sample cases of the policy, with lines of every kind the first pass cannot
/// keep among them: broken JSON, a wrong type, an empty line, bytes not UTF-8.
fn round_input(program: &Program, n: u64) -> Vec<u8> {
    let mut rng = Rng::new(11);
    let mut input = Vec::new();
    for i in 1..=n {
        match i % 997 {
            5 => input.extend_from_slice(b"{\"id\":\"broken\",\"year\":"),
            6 => input.extend_from_slice(b"{\"id\":\"typed\",\"year\":\"soon\"}"),
            7 => {}
            8 => input.extend_from_slice(b"{\"id\":\"\xff\xfe\",\"year\":2026}"),
            _ => input.extend_from_slice(case(&program.policy, &mut rng, i).as_bytes()),
        }
        input.push(b'\n');
    }
    input
}

fn round(program: &Program, input: &[u8], options: Options, budget: usize) -> (String, String) {
    let owned = input.to_vec();
    let open = move || -> io::Result<Box<dyn Read + Send>> { Ok(Box::new(io::Cursor::new(owned.clone()))) };
    let mut out = Vec::new();
    let done = round_keeping(program, &open, &mut out, options, &Ledger::default(), &|_| {}, budget);
    let Ok((summary, settled)) = done else {
        panic!("the round runs")
    };
    let figures = format!("{summary:?} {settled:?}");
    (String::from_utf8_lossy(&out).into_owned(), figures)
}

#[test]
fn kept_cases_are_written_as_cases_read_again_are() {
    for path in [
        "policies/corpus/P09-budget-pool.policy",
        "policies/examples/compute-voucher.policy",
    ] {
        let program = program(path);
        let input = round_input(&program, 3_000);
        for format in [Output::Json, Output::Csv, Output::Text] {
            let options = || Options {
                check_ids: true,
                ..Options::new(format)
            };
            let again = round(&program, &input, options(), 0);
            let kept = round(&program, &input, options(), kept::BUDGET);
            assert_eq!(kept.0, again.0, "{path}");
            assert_eq!(kept.1, again.1, "{path}");
            if format == Output::Json {
                assert_eq!(again.0.lines().count(), 3_000, "one line per line read");
            }
        }
    }
}

#[test]
fn a_round_past_its_budget_keeps_its_first_chunk_and_reads_the_rest_again() {
    let program = program("policies/corpus/P09-budget-pool.policy");
    // about 7 MB: two chunks and more
    let input = round_input(&program, 140_000);
    assert!(input.len() > CHUNK_BYTES);
    let again = round(&program, &input, Options::new(Output::Json), 0);
    let part = round(&program, &input, Options::new(Output::Json), 1);
    assert_eq!(part, again);
    assert!(again.0.contains("\"errors\":[{"), "the broken lines are reported");
}

/// A round whose every line the first pass kept writes its second pass from
/// what it kept: the input is opened once. A round with a line it could not
/// keep reads the input again, and grants the chunks kept whole from their
/// records: both write what a round that keeps nothing writes.
#[test]
fn a_round_kept_whole_reads_its_input_once() {
    let program = program("policies/corpus/P09-budget-pool.policy");
    let mut rng = Rng::new(5);
    let mut input = Vec::new();
    for i in 1..=140_000 {
        input.extend_from_slice(case(&program.policy, &mut rng, i).as_bytes());
        input.push(b'\n');
    }
    assert!(input.len() > CHUNK_BYTES);
    let opened_once = |input: &[u8]| {
        let owned = input.to_vec();
        let opened = std::sync::atomic::AtomicUsize::new(0);
        let open = move || -> io::Result<Box<dyn Read + Send>> {
            match opened.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
                0 => Ok(Box::new(io::Cursor::new(owned.clone()))),
                _ => Err(io::Error::other("opened twice")),
            }
        };
        let mut out = Vec::new();
        let options = Options::new(Output::Json);
        round_keeping(
            &program,
            &open,
            &mut out,
            options,
            &Ledger::default(),
            &|_| {},
            kept::BUDGET,
        )
        .map(|(summary, settled)| {
            (
                String::from_utf8_lossy(&out).into_owned(),
                format!("{summary:?} {settled:?}"),
            )
        })
    };
    let again = round(&program, &input, Options::new(Output::Json), 0);
    assert_eq!(opened_once(&input).ok(), Some(again));
    // a broken line in the last chunk: the input is read again
    input.extend_from_slice(b"{\"id\":\"broken\",\"year\":\n");
    assert!(opened_once(&input).is_err());
    let again = round(&program, &input, Options::new(Output::Json), 0);
    let kept = round(&program, &input, Options::new(Output::Json), kept::BUDGET);
    assert_eq!(kept, again);
    assert!(kept.0.ends_with("]}\n") && kept.0.contains("\"broken\""));
}

/// A writer that takes at most a few bytes a call, refuses the first call as
/// interrupted and, when `vectored`, takes from several slices at once.
struct Trickle {
    got: Vec<u8>,
    calls: usize,
    vectored: bool,
}

impl Write for Trickle {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.calls += 1;
        if self.calls == 1 {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let n = buf.len().min(5);
        self.got.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        if !self.vectored {
            let first = bufs.iter().find(|b| !b.is_empty()).map_or(&[][..], |b| &b[..]);
            return self.write(first);
        }
        let mut left = 7;
        let mut n = 0;
        for b in bufs {
            let take = b.len().min(left);
            self.got.extend_from_slice(&b[..take]);
            (left, n) = (left - take, n + take);
        }
        self.calls += 1;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn pieces_are_written_whole_and_in_order_however_little_each_write_takes() {
    // More pieces than one vectored write holds, some empty, of every length.
    let pieces: Vec<String> = (0..150)
        .map(|i| {
            if i % 7 == 3 {
                String::new()
            } else {
                format!("{{\"line\":{i}}}\n")
            }
        })
        .collect();
    for vectored in [false, true] {
        let mut out = Trickle {
            got: Vec::new(),
            calls: 0,
            vectored,
        };
        write_pieces(&mut out, &pieces).unwrap_or_else(|e| panic!("written: {e}"));
        assert_eq!(
            String::from_utf8_lossy(&out.got),
            pieces.concat(),
            "vectored: {vectored}"
        );
    }
}
