//! The input cut into chunks of whole lines, read on a thread of its own.

use super::*;

/// A chunk of input: whole lines, the number of the first, and how many.
pub(super) struct Chunk {
    pub(super) text: Vec<u8>,
    pub(super) first_line: usize,
    pub(super) lines: usize,
    /// where each line ends (its newline, or the end of the text), found on
    /// the reader's thread while the cores judge the chunk before
    pub(super) ends: Vec<usize>,
}

impl Chunk {
    fn new(text: Vec<u8>, first_line: usize) -> Chunk {
        let mut ends = Vec::with_capacity(text.len() / 32 + 16);
        ends.extend(memchr::memchr_iter(b'\n', &text));
        if text.last().is_some_and(|b| *b != b'\n') {
            ends.push(text.len());
        }
        Chunk {
            lines: ends.len(),
            text,
            first_line,
            ends,
        }
    }
}

/// Reads whole-line chunks from `input`, calling `progress` with bytes read.
pub(super) fn chunks<R: Read>(
    mut input: R,
    first_line: usize,
    mut send: impl FnMut(Chunk) -> bool,
    progress: &(dyn Fn(u64) + Sync),
) -> io::Result<()> {
    let mut carry: Vec<u8> = Vec::new();
    let mut first = true;
    let mut line = first_line;
    loop {
        let mut buf = super::RECYCLED.chunk();
        buf.append(&mut carry);
        let start = buf.len();
        buf.reserve(CHUNK_BYTES);
        // Fill up to CHUNK_BYTES more, as far as the input allows, without zeroing first.
        let want = CHUNK_BYTES as u64;
        let mut got = 0u64;
        while got < want {
            match (&mut input).take(want - got).read_to_end(&mut buf) {
                Ok(0) => break,
                Ok(n) => got += n as u64,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let filled = buf.len();
        let eof = got < want;
        progress((filled - start) as u64);
        // A byte-order mark some editors put at the start of a file is not part of the first case.
        if std::mem::take(&mut first) && buf.starts_with(b"\xEF\xBB\xBF") {
            buf.drain(..3);
        }
        let cut = if eof {
            buf.len()
        } else {
            memchr::memrchr(b'\n', &buf).map_or(0, |i| i + 1)
        };
        carry.extend_from_slice(&buf[cut..]);
        buf.truncate(cut);
        if !buf.is_empty() {
            let chunk = Chunk::new(buf, line);
            line += chunk.lines;
            if !send(chunk) {
                return Ok(());
            }
        }
        if eof {
            if !carry.is_empty() {
                send(Chunk::new(carry, line));
            }
            return Ok(());
        }
    }
}

/// The lines of a chunk with their numbers.
pub(super) fn split_lines(chunk: &Chunk) -> Vec<(usize, &[u8])> {
    let mut start = 0;
    let text = &chunk.text[..];
    let line = |(i, &end): (usize, &usize)| {
        let line = (chunk.first_line + i, text.get(start..end).unwrap_or_default());
        start = end + 1;
        line
    };
    chunk.ends.iter().enumerate().map(line).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunk_is_cut_at_each_newline_and_at_its_end() {
        for (text, want) in [
            ("a\nbb\n\nc", vec!["a", "bb", "", "c"]),
            ("a\r\nb\n", vec!["a\r", "b"]),
            ("\n", vec![""]),
            ("", vec![]),
        ] {
            let chunk = Chunk::new(text.as_bytes().to_vec(), 7);
            let lines = split_lines(&chunk);
            assert_eq!(chunk.lines, want.len(), "{text:?}");
            let got: Vec<(usize, &str)> = lines
                .iter()
                .map(|(n, l)| (*n, std::str::from_utf8(l).unwrap_or("?")))
                .collect();
            let want: Vec<(usize, &str)> = want.into_iter().enumerate().map(|(i, l)| (7 + i, l)).collect();
            assert_eq!(got, want, "{text:?}");
        }
    }
}
