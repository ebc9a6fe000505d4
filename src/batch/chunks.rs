//! The input cut into chunks of whole lines, read on a thread of its own.

use super::*;

/// A chunk of input: whole lines, the number of the first, and how many.
pub(super) struct Chunk {
    pub(super) text: Vec<u8>,
    pub(super) first_line: usize,
    pub(super) lines: usize,
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
        let lines = memchr::memchr_iter(b'\n', &buf).count() + usize::from(buf.last().is_some_and(|b| *b != b'\n'));
        if !buf.is_empty()
            && !send(Chunk {
                text: buf,
                first_line: line,
                lines,
            })
        {
            return Ok(());
        }
        line += lines;
        if eof {
            if !carry.is_empty() {
                send(Chunk {
                    text: carry,
                    first_line: line,
                    lines: 1,
                });
            }
            return Ok(());
        }
    }
}

/// The lines of a chunk with their numbers.
pub(super) fn split_lines(chunk: &Chunk) -> Vec<(usize, &[u8])> {
    // Room for lines of 24 bytes on average, the shortest case there is: no growing.
    let mut lines: Vec<(usize, &[u8])> = Vec::with_capacity(chunk.text.len() / 24 + 16);
    let mut start = 0;
    for i in memchr::memchr_iter(b'\n', &chunk.text) {
        lines.push((chunk.first_line + lines.len(), &chunk.text[start..i]));
        start = i + 1;
    }
    if start < chunk.text.len() {
        lines.push((chunk.first_line + lines.len(), &chunk.text[start..]));
    }
    lines
}
