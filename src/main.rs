//! The `zhice` binary: everything is in the library; this only hands over.

#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    zhice::cli::main()
}
