//! Where the server's log goes and how big it may grow. Requests are logged
//! one by one only at `debug`; at `info` a summary line a minute says how many
//! there were, which errors and how fast, and a server error (5xx) is always
//! written. A log file is capped: past its size it becomes `NAME.1` (the one
//! before is dropped) and a new file starts, so two files' worth is the most
//! the log ever takes.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Where the log is written.
#[derive(Debug, Clone)]
pub struct LogTo {
    pub json: bool,
    /// standard error when `None`
    pub file: Option<PathBuf>,
    /// the most one file holds before it is rotated
    pub max_bytes: u64,
}

/// Starts the log; the guard flushes it when dropped. Lines are written from
/// a thread of their own, so that a request never waits for the disk.
pub fn init(to: &LogTo) -> io::Result<tracing_appender::non_blocking::WorkerGuard> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ZHICE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let (writer, guard, ansi) = match &to.file {
        Some(path) => {
            let (w, g) = tracing_appender::non_blocking(Capped::open(path, to.max_bytes)?);
            (w, g, false)
        }
        None => {
            let (w, g) = tracing_appender::non_blocking(io::stderr());
            (w, g, io::IsTerminal::is_terminal(&io::stderr()))
        }
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(ansi);
    let _ = if to.json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    Ok(guard)
}

/// A log file that rotates once it holds `max` bytes.
pub struct Capped {
    path: PathBuf,
    file: File,
    written: u64,
    max: u64,
}

impl Capped {
    pub fn open(path: &Path, max: u64) -> io::Result<Capped> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let written = file.metadata()?.len();
        Ok(Capped {
            path: path.to_path_buf(),
            file,
            written,
            max: max.max(1),
        })
    }

    fn rotate(&mut self) -> io::Result<()> {
        self.file.flush()?;
        let mut old = self.path.clone().into_os_string();
        old.push(".1");
        std::fs::rename(&self.path, &old)?;
        self.file = OpenOptions::new().create(true).append(true).open(&self.path)?;
        self.written = 0;
        Ok(())
    }
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // (each call is one whole line: a line is never split over two files)
        if self.written > 0 && self.written + buf.len() as u64 > self.max {
            self.rotate()?;
        }
        let n = self.file.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::Capped;
    use std::io::Write;

    #[test]
    fn a_full_log_file_moves_aside_and_a_new_one_starts() {
        let dir = std::env::temp_dir().join(format!("zhice-logs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("serve.log");
        let mut log = Capped::open(&path, 100).expect("opens");
        for i in 0..30 {
            log.write_all(format!("line {i:02} of the log\n").as_bytes())
                .expect("writes");
        }
        log.flush().expect("flushes");
        let now = std::fs::read_to_string(&path).unwrap_or_default();
        let before = std::fs::read_to_string(dir.join("serve.log.1")).unwrap_or_default();
        assert!(now.len() <= 100 && before.len() <= 100, "{now:?} {before:?}");
        assert!(now.ends_with("line 29 of the log\n"), "{now}");
        // whole lines only, the newest in the new file
        assert!(before
            .lines()
            .all(|l| l.starts_with("line ") && l.ends_with(" of the log")));
        assert!(!before.contains("line 29"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
