//! CSV rows read as JSON lines.

use super::*;

/// A CSV file of flat cases read as JSON lines, one row at a time, so that the
/// same decoder checks it and memory stays bounded. The header names the fields.
pub struct CsvAsJsonl<R: Read> {
    reader: ::csv::Reader<R>,
    kinds: Vec<Cell>,
    headers: ::csv::StringRecord,
    pending: Vec<u8>,
    at: usize,
    row: usize,
    /// a row that is not UTF-8: the whole file is in another encoding, said once
    not_utf8: Option<String>,
}

/// How a column's cells are written in JSON.
#[derive(Clone, Copy)]
enum Cell {
    /// as is: whole numbers
    Raw,
    /// yes or no, as Excel and people write it: `TRUE`/`FALSE` in any case, 是/否
    Bool,
    /// as a JSON string; the decoder reads amounts, rates, dates and choices from strings
    Quoted,
}

impl<R: Read> CsvAsJsonl<R> {
    pub fn new(program: &Program, input: R) -> Result<Self, String> {
        use crate::check::model::Ty;
        let mut reader = ::csv::ReaderBuilder::new().flexible(true).from_reader(input);
        let written = reader
            .headers()
            .map_err(|e| t!("cannot read the CSV header: %{e}", e = e).into_owned())?
            .clone();
        let headers = written
            .iter()
            .map(|h| field_of(program, h))
            .collect::<Result<::csv::StringRecord, String>>()?;
        let mut kinds = Vec::new();
        for h in headers.iter() {
            let ty = program
                .policy
                .inputs
                .iter()
                .find(|i| i.name == h)
                .map(|i| i.ty.required().clone());
            kinds.push(match (h, ty) {
                ("year", _) | (_, Some(Ty::Int)) => Cell::Raw,
                (_, Some(Ty::Bool)) => Cell::Bool,
                (_, Some(Ty::List(_) | Ty::Record(_))) => {
                    return Err(t!(
                        "column `%{h}` is a list or record: CSV holds flat cases only; use JSONL",
                        h = h
                    )
                    .into_owned())
                }
                _ => Cell::Quoted,
            });
        }
        Ok(CsvAsJsonl {
            reader,
            kinds,
            headers,
            pending: Vec::new(),
            at: 0,
            row: 1,
            not_utf8: None,
        })
    }

    /// The next row as a JSON line; `false` at the end.
    fn next_row(&mut self) -> bool {
        let mut record = ::csv::StringRecord::new();
        self.row += 1;
        let mut line = String::from("{");
        match self.reader.read_record(&mut record) {
            Ok(false) => return false,
            Ok(true) => {
                let mut first = true;
                for ((h, cell), kind) in self.headers.iter().zip(record.iter()).zip(&self.kinds) {
                    if cell.is_empty() {
                        continue;
                    }
                    if !first {
                        line.push(',');
                    }
                    first = false;
                    result::push_json_string(&mut line, h);
                    line.push(':');
                    // Written as JSON's own literal where the column's type takes one; anything
                    // else is given to the decoder as written, which names the field.
                    let literal = match kind {
                        Cell::Raw => cell.parse::<i64>().is_ok().then_some(cell),
                        Cell::Bool => yes_no(cell).map(|b| if b { "true" } else { "false" }),
                        Cell::Quoted => None,
                    };
                    match literal {
                        Some(l) => line.push_str(l),
                        None => result::push_json_string(&mut line, cell),
                    }
                }
                line.push('}');
            }
            // Not UTF-8: the file was saved in another encoding (Excel on Chinese
            // Windows writes GBK), and every row would fail alike — stop, and say so.
            Err(e) if matches!(e.kind(), ::csv::ErrorKind::Utf8 { .. }) => {
                self.not_utf8 = Some(
                    t!(
                        "line %{row} of the CSV file is not UTF-8 text: it was probably saved as GBK (Excel on Chinese Windows does); save it as \"CSV UTF-8\" or convert it with `iconv -f GBK -t UTF-8`",
                        row = self.row
                    )
                    .into_owned(),
                );
                return false;
            }
            // A broken row still takes one output line: the decoder reports it.
            Err(e) => line = t!("CSV row %{row} cannot be read: %{e}", row = self.row, e = e).into_owned(),
        }
        line.push('\n');
        self.pending = line.into_bytes();
        self.at = 0;
        true
    }
}

/// The field a column holds: its header is the field's name, or (as a bureau's
/// sheet is headed) the input's Chinese label, or the words the book uses for
/// a case's id, year and date. A label two inputs share names neither.
fn field_of(program: &Program, header: &str) -> Result<String, String> {
    let h = header.trim();
    let p = &program.policy;
    if p.inputs.iter().any(|i| i.name == h) || ["id", "year", "date", "prior_awards"].contains(&h) {
        return Ok(h.to_string());
    }
    let labelled: Vec<&str> = p
        .inputs
        .iter()
        .filter(|i| i.label.as_deref().map(str::trim) == Some(h))
        .map(|i| i.name.as_str())
        .collect();
    match labelled.as_slice() {
        [one] => return Ok((*one).to_string()),
        [] => {}
        many => {
            return Err(t!(
                "column `%{h}` is the label of several inputs (%{names}): head it with the field's name",
                h = h,
                names = many.join(", ")
            )
            .into_owned())
        }
    }
    let case_words = [
        ("id", "编号"),
        ("id", "申报编号"),
        ("year", "申报年度"),
        ("date", "申报日期"),
    ];
    Ok(case_words
        .iter()
        .find(|(_, w)| *w == h)
        .map_or(h, |(field, _)| field)
        .to_string())
}

/// A yes-or-no cell: `true`/`false` in any case (Excel writes `TRUE`), 是/否, 1/0.
fn yes_no(cell: &str) -> Option<bool> {
    let cell = cell.trim();
    if cell.eq_ignore_ascii_case("true") || cell == "是" || cell == "1" {
        Some(true)
    } else if cell.eq_ignore_ascii_case("false") || cell == "否" || cell == "0" {
        Some(false)
    } else {
        None
    }
}

impl<R: Read> Read for CsvAsJsonl<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at >= self.pending.len() && !self.next_row() {
            return match self.not_utf8.take() {
                Some(why) => Err(io::Error::new(io::ErrorKind::InvalidData, why)),
                None => Ok(0),
            };
        }
        let n = buf.len().min(self.pending.len() - self.at);
        buf[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::yes_no;

    #[test]
    fn excel_and_chinese_yes_and_no() {
        for yes in ["true", "TRUE", "True", " 是 ", "1"] {
            assert_eq!(yes_no(yes), Some(true), "{yes}");
        }
        for no in ["false", "FALSE", "否", "0"] {
            assert_eq!(yes_no(no), Some(false), "{no}");
        }
        for neither in ["maybe", "2", "1.0", "对", ""] {
            assert_eq!(yes_no(neither), None, "{neither}");
        }
    }
}

/// How much of a CSV file is looked at to tell its encoding.
const SNIFF: usize = 64 * 1024;

/// A CSV file's bytes as UTF-8 text, and whether they were GBK. A file whose
/// opening is UTF-8 (a byte-order mark or not) is passed on as it is; one
/// that is not, but reads cleanly as GBK — what Excel on Chinese Windows
/// saves — is decoded from GB18030 (GBK's superset) as it streams. Anything
/// else is passed on, and the reader says which row is not UTF-8.
pub fn utf8_text<R: Read + Send + 'static>(input: R) -> io::Result<(Box<dyn Read + Send>, bool)> {
    utf8_text_from(input, Encoding::Sniffed)
}

/// What a CSV file is written in: told by its first 64 KiB, or as the user says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Sniffed,
    Utf8,
    /// GBK and GB18030, its superset
    Gbk,
}

/// A CSV file's bytes as UTF-8 text in the encoding given (see `utf8_text`),
/// and whether they were decoded from GBK.
pub fn utf8_text_from<R: Read + Send + 'static>(
    mut input: R,
    encoding: Encoding,
) -> io::Result<(Box<dyn Read + Send>, bool)> {
    let gbk = |r: Box<dyn Read + Send>| -> Box<dyn Read + Send> {
        Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding_rs::GB18030))
                .build(r),
        )
    };
    match encoding {
        Encoding::Utf8 => return Ok((Box::new(input), false)),
        Encoding::Gbk => return Ok((gbk(Box::new(input)), true)),
        Encoding::Sniffed => {}
    }
    let mut head = Vec::with_capacity(SNIFF);
    (&mut input).take(SNIFF as u64).read_to_end(&mut head)?;
    let utf8 = match std::str::from_utf8(&head) {
        Ok(_) => true,
        // cut inside a character at the end of the look: still UTF-8
        Err(e) => e.error_len().is_none(),
    };
    let opening = io::Cursor::new(head);
    if utf8 || !reads_as_gbk(opening.get_ref()) {
        return Ok((Box::new(opening.chain(input)), false));
    }
    Ok((gbk(Box::new(opening.chain(input))), true))
}

/// True when `bytes` decode as GB18030 without a malformed sequence (one cut
/// at the end of the look is allowed).
fn reads_as_gbk(bytes: &[u8]) -> bool {
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len() * 2);
    let (result, _) = decoder.decode_to_string_without_replacement(bytes, &mut out, false);
    !matches!(result, encoding_rs::DecoderResult::Malformed(..))
}

#[cfg(test)]
mod encoding {
    use super::utf8_text;
    use std::io::Read;

    fn text(bytes: &'static [u8]) -> (String, bool) {
        let (mut r, gbk) = utf8_text(bytes).expect("read");
        let mut s = String::new();
        r.read_to_string(&mut s).expect("utf-8");
        (s, gbk)
    }

    #[test]
    fn gbk_is_read_as_the_text_it_holds_and_utf8_as_it_is() {
        // 是 and 否 in GBK
        assert_eq!(
            text(b"id,sme\nA,\xca\xc7\nB,\xb7\xf1\n"),
            ("id,sme\nA,是\nB,否\n".to_string(), true)
        );
        assert_eq!(text("id,sme\nA,是\n".as_bytes()), ("id,sme\nA,是\n".to_string(), false));
        // neither: passed on for the reader to refuse
        let (mut r, gbk) = utf8_text(&b"id\n\xff\xff\xff\n"[..]).expect("read");
        assert!(!gbk);
        let mut v = Vec::new();
        r.read_to_end(&mut v).expect("bytes");
        assert_eq!(v, b"id\n\xff\xff\xff\n");
    }
}
