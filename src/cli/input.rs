//! Reading case files and standard input.

use super::status;
use crate::pool::Ledger;
use std::io::Read;
use std::path::Path;

/// The whole text of a file, or of standard input for `-`.
pub(super) fn read_text(path: &Path) -> Result<String, u8> {
    let mut text = String::new();
    let res = if path == Path::new("-") {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    match res {
        Ok(()) => Ok(text.strip_prefix('\u{FEFF}').map(str::to_string).unwrap_or(text)),
        Err(e) => {
            eprintln!(
                "{} {}",
                t!("error:"),
                t!(
                    "cannot read `%{path}`: %{reason}",
                    path = path.display(),
                    reason = crate::lang::io_error(&e)
                )
            );
            Err(status::USAGE)
        }
    }
}

/// What earlier rounds granted, from `--pool-ledger`, or nothing.
pub(super) fn read_ledger(path: Option<&Path>) -> Result<Ledger, u8> {
    let Some(path) = path else {
        return Ok(Ledger::default());
    };
    let text = read_text(path)?;
    Ledger::parse(&text).map_err(|e| {
        eprintln!("{} `{}`: {e}", t!("error:"), path.display());
        status::USAGE
    })
}
