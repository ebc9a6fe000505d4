//! The batch reader, any bytes in (a policy chosen by the first byte): one
//! result line for each input line, in order; each the very line that case
//! gives when it is run alone with fresh buffers and the same line number —
//! nothing carried from one case to the next, nor lost at a chunk's edge, a
//! CR or a BOM; and the summary the sum of the lines'. The same bytes read as
//! a CSV file never panic and give one JSON line a row.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;
use zhice::batch::{self, CsvAsJsonl, Options, Output, Summary};

fn run(program: &zhice::compile::Program, input: &[u8], first_line: usize) -> (Vec<u8>, Summary) {
    let mut out = Vec::new();
    let options = Options {
        first_line,
        ..Options::new(Output::Json)
    };
    match batch::run(program, input, &mut out, options, &|_| {}) {
        Ok(summary) => (out, summary),
        Err(e) => panic!("a batch in memory cannot fail to be written: {e}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, input)) = data.split_first() else { return };
    let all = common::bundled();
    let program = &all[usize::from(pick) % all.len()].1.program;
    if program.policy.pools.is_empty() {
        let (out, summary) = run(program, input, 1);
        let mut lines: Vec<&[u8]> = input.split(|b| *b == b'\n').collect();
        if lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        let results: Vec<&[u8]> = out.split(|b| *b == b'\n').filter(|l| !l.is_empty()).collect();
        assert_eq!(results.len(), lines.len(), "one result line for each input line");
        let (mut cases, mut rejected, mut total) = (0, 0, Decimal::ZERO);
        for (i, (line, result)) in lines.iter().zip(&results).enumerate() {
            // A byte-order mark opening the input is the file's, and skipped; on
            // any later line it is part of that line. Alone, such a line would
            // open its input: not the same question.
            if i > 0 && line.starts_with("\u{feff}".as_bytes()) {
                continue;
            }
            let mut alone_input = line.to_vec();
            alone_input.push(b'\n');
            let (alone, s) = run(program, &alone_input, i + 1);
            assert_eq!(
                String::from_utf8_lossy(&alone).trim_end(),
                String::from_utf8_lossy(result),
                "line {} differs from the same case run alone",
                i + 1
            );
            cases += s.cases;
            rejected += s.rejected;
            total += s.total;
        }
        let skipped = lines.iter().skip(1).any(|l| l.starts_with("\u{feff}".as_bytes()));
        if !skipped {
            assert_eq!((summary.cases, summary.rejected), (cases, rejected));
        }
        if !summary.overflowed && !skipped {
            assert_eq!(summary.total, total);
        }
    }
    // the same bytes as a CSV file: one JSON line a row, or a clear refusal
    if let Ok(csv) = CsvAsJsonl::new(program, input) {
        let mut out = Vec::new();
        if batch::run(program, csv, &mut out, Options::new(Output::Json), &|_| {}).is_ok() {
            for l in out.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
                assert!(serde_json::from_slice::<serde_json::Value>(l).is_ok());
            }
        }
    }
});
