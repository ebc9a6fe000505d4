//! CSV rows read as JSON lines.

use super::*;
use crate::report::place::{column_letter, Column, Table};
use std::fmt::Write as _;
use std::sync::Arc;

/// A CSV file of flat cases read as JSON lines, one row at a time, so that the
/// same decoder checks it and memory stays bounded. The header names the fields.
pub struct CsvAsJsonl<R: Read> {
    reader: ::csv::Reader<LineEnds<R>>,
    /// the line ends the reader has been given, to number its rows
    ends: Arc<Mutex<Ends>>,
    kinds: Vec<Cell>,
    headers: ::csv::StringRecord,
    /// the headings as written, for naming a column in error
    written: ::csv::StringRecord,
    pending: Vec<u8>,
    at: usize,
    /// the records read so far, the header included
    records: usize,
    /// where the rows came from: a worksheet's rows, or a CSV file's lines
    sheet: Option<Sheet>,
    /// a row that is not UTF-8: the whole file is in another encoding, said once
    not_utf8: Option<String>,
}

/// The worksheet a CSV text was made from: its name, the row each record was
/// on (the header's first) and the letter-index of its first column.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<u32>,
    pub first_column: usize,
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
        let ends = Arc::new(Mutex::new(Ends::default()));
        let input = LineEnds {
            inner: input,
            read: 0,
            ends: ends.clone(),
        };
        let mut reader = ::csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .from_reader(input);
        // The header is the first row that names a field: a title a bureau puts
        // above its table (and the blank rows after it) is no case.
        let mut written = ::csv::StringRecord::new();
        let mut records = 0;
        loop {
            let read = reader
                .read_record(&mut written)
                .map_err(|e| t!("cannot read the CSV header: %{e}", e = e).into_owned())?;
            records += 1;
            if read && written.iter().any(|h| names_a_field(program, h)) {
                break;
            }
            if !read || records == HEADER_SEARCH {
                return Err(t!(
                    "no row among the first %{n} names a field: the header row names each column's field (`id`, `year`, an input's name) or its Chinese label (编号, 申报年度, the input's label)",
                    n = records.min(HEADER_SEARCH)
                )
                .into_owned());
            }
        }
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
            ends,
            kinds,
            headers,
            written,
            pending: Vec::new(),
            at: 0,
            records,
            sheet: None,
            not_utf8: None,
        })
    }

    /// The CSV text is a worksheet's (see `xlsx::sheet_as_csv`): rows are named as the sheet numbers them.
    pub fn in_sheet(mut self, sheet: Sheet) -> Self {
        self.sheet = Some(sheet);
        self
    }

    /// How many rows (blank ones apart) stood above the header: a title, a note.
    pub fn above_header(&self) -> usize {
        self.records - 1
    }

    /// The table's sheet and columns, for naming where a rejected case is.
    pub fn table(&self) -> Table {
        let first = self.sheet.as_ref().map_or(0, |s| s.first_column);
        Table {
            sheet: self.sheet.as_ref().map(|s| s.name.clone()),
            columns: self
                .headers
                .iter()
                .zip(self.written.iter())
                .enumerate()
                .map(|(i, (field, heading))| Column {
                    field: field.to_string(),
                    heading: heading.trim().to_string(),
                    letter: column_letter(first + i),
                })
                .collect(),
        }
    }

    /// The row of the record just read: in the sheet, or the CSV line it starts on.
    fn row(&self, record: &::csv::StringRecord) -> u64 {
        match &self.sheet {
            Some(s) => s
                .rows
                .get(self.records - 1)
                .map_or(self.records as u64, |r| u64::from(*r)),
            // The line the record ends on, less the lines its quoted cells span. (The
            // reader's own line count is off after blank lines and CRLF endings.)
            None => {
                let spanned: usize = record
                    .iter()
                    .map(|c| memchr::memchr_iter(b'\n', c.as_bytes()).count())
                    .sum();
                let end = self.reader.position().byte();
                let mut ends = self.ends.lock().unwrap_or_else(|e| e.into_inner());
                (1 + ends.newlines_before_record_ending(end))
                    .saturating_sub(spanned as u64)
                    .max(1)
            }
        }
    }

    /// The next row as a JSON line after its row number and a tab; `false` at the end.
    fn next_row(&mut self) -> bool {
        let mut record = ::csv::StringRecord::new();
        let mut line = String::new();
        let read = loop {
            let read = self.reader.read_record(&mut record);
            // a row left empty (as Excel writes one: `,,,`) is no case
            if matches!(read, Ok(true)) && record.iter().all(|c| c.trim().is_empty()) {
                self.records += 1;
                continue;
            }
            break read;
        };
        self.records += 1;
        match read {
            Ok(false) => return false,
            Ok(true) => {
                let _ = write!(line, "{}\t{{", self.row(&record));
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
                let row = e.position().map_or(self.records as u64, |p| p.line());
                self.not_utf8 = Some(
                    t!(
                        "line %{row} of the CSV file is not UTF-8 text: it was probably saved as GBK (Excel on Chinese Windows does); save it as \"CSV UTF-8\" or convert it with `iconv -f GBK -t UTF-8`",
                        row = row
                    )
                    .into_owned(),
                );
                return false;
            }
            // A broken row still takes one output line: the decoder reports it.
            Err(e) => {
                let row = e.position().map_or(self.records as u64, |p| p.line());
                let _ = write!(line, "{row}\t");
                line.push_str(&t!("CSV row %{row} cannot be read: %{e}", row = row, e = e));
            }
        }
        line.push('\n');
        self.pending = line.into_bytes();
        self.at = 0;
        true
    }
}

/// A line `CsvAsJsonl` wrote: the row before the tab, and the case after it.
pub fn untag(line: &[u8]) -> Option<(usize, &[u8])> {
    // a row number has at most 20 digits
    let tab = line.iter().take(21).position(|b| *b == b'\t')?;
    let row = std::str::from_utf8(&line[..tab]).ok()?.parse().ok()?;
    Some((row, &line[tab + 1..]))
}

/// A case table as `CsvAsJsonl` reads it: CSV bytes in `encoding`, or a
/// worksheet made CSV by `xlsx::sheet_as_csv` with its `sheet`. Also says
/// whether the bytes were GBK.
pub fn table_reader<R: Read + Send + 'static>(
    program: &Program,
    input: R,
    encoding: Encoding,
    sheet: Option<Sheet>,
) -> io::Result<(CsvAsJsonl<Box<dyn Read + Send>>, bool)> {
    let (text, gbk) = utf8_text_from(input, encoding)?;
    let table = CsvAsJsonl::new(program, text).map_err(io::Error::other)?;
    Ok((
        match sheet {
            Some(s) => table.in_sheet(s),
            None => table,
        },
        gbk,
    ))
}

/// A whole table as JSONL text, for a reader that takes the cases at once
/// (`diff --cases`), and the table's row of each line.
pub fn table_as_jsonl<R: Read>(mut table: CsvAsJsonl<R>) -> io::Result<(String, Vec<usize>)> {
    let mut tagged = Vec::new();
    table.read_to_end(&mut tagged)?;
    let mut text = String::with_capacity(tagged.len());
    let mut rows = Vec::new();
    for line in tagged.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let (row, case) = untag(line).unwrap_or((rows.len() + 1, line));
        rows.push(row);
        // the reader writes UTF-8 only: it refuses the file otherwise
        text.push_str(std::str::from_utf8(case).map_err(io::Error::other)?);
        text.push('\n');
    }
    Ok((text, rows))
}

/// A reader that notes where each line break of what it passes on is, for
/// `Ends` to count the lines before a record.
struct LineEnds<R> {
    inner: R,
    read: u64,
    ends: Arc<Mutex<Ends>>,
}

/// The line breaks (`\n`, and `\r` to tell a CRLF ending) read and not yet
/// passed by a record: at most a buffer's worth.
#[derive(Default)]
struct Ends {
    /// offset of each break, and whether it is `\r`
    marks: std::collections::VecDeque<(u64, bool)>,
    /// the `\n`s before the first mark
    newlines: u64,
}

impl<R: Read> Read for LineEnds<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut ends = self.ends.lock().unwrap_or_else(|e| e.into_inner());
        for i in memchr::memchr2_iter(b'\n', b'\r', &buf[..n]) {
            ends.marks.push_back((self.read + i as u64, buf[i] == b'\r'));
        }
        self.read += n as u64;
        Ok(n)
    }
}

impl Ends {
    /// The `\n`s before a record that ends at byte `end` (its terminator, if
    /// any, left out); the marks before it are let go, as records only move on.
    fn newlines_before_record_ending(&mut self, end: u64) -> u64 {
        let terminated = end > 0 && self.marks.iter().any(|(at, _)| *at == end - 1);
        let cut = if terminated { end - 1 } else { end };
        while let Some(&(at, cr)) = self.marks.front() {
            if at >= cut {
                break;
            }
            self.newlines += u64::from(!cr);
            self.marks.pop_front();
        }
        self.newlines
    }
}

/// The fields every case may have besides the policy's inputs (`applicant`
/// only in a round against the registry; elsewhere the decoder refuses it).
const CASE_FIELDS: [&str; 5] = ["id", "year", "date", "prior_awards", crate::case::APPLICANT];

/// How many rows may stand above the header (a title, a note, blank rows).
const HEADER_SEARCH: usize = 20;

/// True when a heading names a field of a case: an input, by name or label, or `id`, `year`, `date`.
fn names_a_field(program: &Program, heading: &str) -> bool {
    let Ok(field) = field_of(program, heading) else {
        return true; // a label two inputs share: named, and refused as the header is read
    };
    program.policy.inputs.iter().any(|i| i.name == field) || CASE_FIELDS.contains(&field.as_str())
}

/// The field a column holds: its header is the field's name, or (as a bureau's
/// sheet is headed) the input's Chinese label, or the words the book uses for
/// a case's id, year and date. A label two inputs share names neither.
fn field_of(program: &Program, header: &str) -> Result<String, String> {
    let h = header.trim();
    let p = &program.policy;
    if p.inputs.iter().any(|i| i.name == h) || CASE_FIELDS.contains(&h) {
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
        ("applicant", "申报主体"),
        ("applicant", "申报单位"),
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
    use super::{untag, yes_no};

    #[test]
    fn a_tagged_line_gives_its_row_and_case() {
        assert_eq!(untag(b"7\t{\"id\":\"A\"}"), Some((7, &b"{\"id\":\"A\"}"[..])));
        // a JSON line carries no row: it is numbered as read
        assert_eq!(untag(b"{\"id\":\"A\t\"}"), None);
        assert_eq!(untag(b"12345678901234567890123\t{}"), None);
    }

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
