//! `zhice sample FILE --n N --seed S`: synthetic cases from the declared inputs.

use super::Out;
use crate::sample::{case, Rng};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

#[derive(clap::Args)]
pub(super) struct SampleArgs {
    /// The .policy file whose inputs the cases give.
    policy: PathBuf,
    /// How many cases.
    #[arg(short = 'n', long, default_value_t = 1000)]
    n: u64,
    /// The same seed gives the same cases.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

pub(super) fn run(out: &Out, args: &SampleArgs) -> u8 {
    let program = match out.load(&args.policy) {
        Ok(l) => l.program,
        Err(code) => return code,
    };
    let mut rng = Rng::new(args.seed);
    let stdout = std::io::stdout();
    let mut w = BufWriter::with_capacity(1 << 20, stdout.lock());
    for n in 1..=args.n {
        let line = case(&program.policy, &mut rng, n);
        if writeln!(w, "{line}").is_err() {
            // The reader went away (e.g. `| head`): stop quietly.
            return super::status::OK;
        }
    }
    let _ = w.flush();
    super::status::OK
}
