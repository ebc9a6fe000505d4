//! Files written whole or not at all: a ledger (the record of how much of a
//! year's fund is spent), a book, a results file, a formatted policy. Each is
//! written to a temporary file beside it, flushed to the disk and renamed over
//! it, so that a crash, a kill or a full disk in the middle leaves the file
//! as it was before, never half of the new one.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` whole.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut w = Whole::create(path)?;
    w.write_all(bytes)?;
    w.finish()
}

/// A file being written: it replaces `path` only on `finish`. Dropped
/// unfinished (an error on the way), it is removed and `path` is untouched.
pub struct Whole {
    path: PathBuf,
    temp: PathBuf,
    file: Option<io::BufWriter<File>>,
}

impl Whole {
    pub fn create(path: &Path) -> io::Result<Whole> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Beside the file, so that the rename stays on one file system.
        let temp = path.with_file_name(format!(".{name}.{}.zhice-tmp", std::process::id()));
        let file = File::create(&temp)?;
        Ok(Whole {
            path: path.to_path_buf(),
            temp,
            file: Some(io::BufWriter::new(file)),
        })
    }

    /// Flushes the file to the disk and puts it in place.
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(w) = self.file.take() {
            let file = w.into_inner().map_err(io::IntoInnerError::into_error)?;
            file.sync_all()?;
        }
        // The file keeps the permissions it had (a policy formatted in place stays as readable as it was).
        if let Ok(meta) = std::fs::metadata(&self.path) {
            let _ = std::fs::set_permissions(&self.temp, meta.permissions());
        }
        std::fs::rename(&self.temp, &self.path)
    }
}

impl Write for Whole {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(io::Error::other("already finished")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for Whole {
    fn drop(&mut self) {
        if self.file.is_some() {
            self.file = None;
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("zhice-whole-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("temp dir");
        d
    }

    #[test]
    fn a_finished_file_replaces_the_old_one_and_leaves_nothing_beside_it() {
        let d = dir("finished");
        let path = d.join("ledger.json");
        std::fs::write(&path, "old").expect("write");
        write(&path, b"new").expect("written");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
        assert_eq!(std::fs::read_dir(&d).expect("list").count(), 1);
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_file_given_up_half_way_leaves_the_old_one_intact() {
        let d = dir("given-up");
        let path = d.join("ledger.json");
        std::fs::write(&path, "the ledger before this round").expect("write");
        {
            let mut w = Whole::create(&path).expect("created");
            w.write_all(&[b'x'; 100_000]).expect("half written");
            // an error on the way: dropped unfinished
        }
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "the ledger before this round"
        );
        assert_eq!(
            std::fs::read_dir(&d).expect("list").count(),
            1,
            "the temporary file is gone"
        );
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_file_that_cannot_be_created_is_an_error_not_a_panic() {
        let path = Path::new("/nonexistent-zhice-dir/ledger.json");
        assert!(write(path, b"x").is_err());
    }
}
