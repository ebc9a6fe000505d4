//! Excel workbooks, in and out. A sheet of cases is read as the CSV reader
//! reads a file — the first row names the fields, each row after it is a
//! case — so that one decoder checks both; results are written as a sheet,
//! from the same lines `--format csv` writes.
//!
//! Excel keeps every number as a binary double and shows it to 15
//! significant digits; a number cell is read back as those 15 digits (what
//! the user typed and sees), never as the double's binary expansion. Amounts
//! written out are numbers Excel can add up (exact up to 15 digits: a
//! thousand billion yuan to the fen), formatted with two places.

use rust_decimal::Decimal;

/// A worksheet of an `.xlsx` workbook — the one named, else the first — as
/// CSV text, and the sheet's row of each record, to name a rejected row.
pub fn sheet_as_csv(workbook: &[u8], name: Option<&str>) -> Result<(Vec<u8>, super::Sheet), String> {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(workbook))
        .map_err(|e| t!("not an Excel workbook (.xlsx): %{e}", e = e).into_owned())?;
    let chosen = match name {
        Some(n) => n.to_string(),
        None => book.sheet_names().first().cloned().unwrap_or_default(),
    };
    let range = match name {
        Some(n) if !book.sheet_names().iter().any(|s| s == n) => {
            return Err(t!(
                "the workbook has no worksheet `%{name}`; it has: %{sheets}",
                name = n,
                sheets = book.sheet_names().join(", ")
            )
            .into_owned())
        }
        Some(n) => book
            .worksheet_range(n)
            .map_err(|e| t!("cannot read the worksheet `%{name}`: %{e}", name = n, e = e).into_owned())?,
        None => match book.worksheet_range_at(0) {
            Some(Ok(r)) => r,
            Some(Err(e)) => return Err(t!("cannot read the first worksheet: %{e}", e = e).into_owned()),
            None => return Err(t!("the workbook has no worksheet").into_owned()),
        },
    };
    // The range starts at the sheet's first cell in use: rows and letters are counted from there.
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut sheet = super::Sheet {
        name: chosen,
        rows: Vec::new(),
        first_column: left as usize,
    };
    let mut out = ::csv::Writer::from_writer(Vec::new());
    for (i, row) in range.rows().enumerate() {
        let cells: Vec<String> = row.iter().map(cell).collect();
        // a row left empty in the sheet is no case
        if cells.iter().all(String::is_empty) {
            continue;
        }
        out.write_record(&cells).map_err(|e| e.to_string())?;
        sheet.rows.push(top + i as u32 + 1);
    }
    let csv = out.into_inner().map_err(|e| e.to_string())?;
    Ok((csv, sheet))
}

/// A cell as its CSV text: what the CSV reader would find for the same value.
fn cell(c: &calamine::Data) -> String {
    use calamine::Data;
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{day:02}")
        }
        Data::DateTime(d) => number(d.as_f64()),
        // an ISO date and time: the date is what a case holds
        Data::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e}"),
    }
}

/// A number cell as Excel shows it: at most 15 significant digits, no
/// trailing zeros (`123456.78`, not `123456.77999999999883584678173065185546875`).
fn number(f: f64) -> String {
    Decimal::from_f64_retain(f)
        .and_then(|d| d.round_sf(15))
        .map(|d| d.normalize().to_string())
        .unwrap_or_else(|| f.to_string())
}

/// Result lines in CSV (with their header) as a workbook of one sheet:
/// amounts as numbers with two places, ids and everything else as text.
pub fn csv_as_sheet(csv: &[u8], sheet: &str) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let failed = |e: rust_xlsxwriter::XlsxError| t!("cannot write the workbook: %{e}", e = e).into_owned();
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).map_err(failed)?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv);
    let mut id_column = None;
    for (r, record) in reader.records().enumerate() {
        let record = record.map_err(|e| e.to_string())?;
        let row = u32::try_from(r).map_err(|_| t!("too many rows for one worksheet").into_owned())?;
        for (c, text) in record.iter().enumerate() {
            let col = u16::try_from(c).map_err(|_| t!("too many columns for one worksheet").into_owned())?;
            if r == 0 {
                if text == "id" {
                    id_column = Some(c);
                }
                ws.write_string_with_format(row, col, text, &bold).map_err(failed)?;
                continue;
            }
            match amount(text).filter(|_| id_column != Some(c)) {
                Some(x) => ws.write_number_with_format(row, col, x, &money).map_err(failed)?,
                None => ws.write_string(row, col, text).map_err(failed)?,
            };
        }
    }
    ws.set_freeze_panes(1, 0).map_err(failed)?;
    ws.autofit();
    book.save_to_buffer().map_err(failed)
}

/// Every table of a report (the impact of `diff --cases`, a summary) as a
/// workbook, one sheet a table, named after the section it is in; amounts as
/// numbers with two places, like the results' workbook.
pub fn tables_as_workbook(doc: &crate::report::doc::Doc) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let failed = |e: rust_xlsxwriter::XlsxError| t!("cannot write the workbook: %{e}", e = e).into_owned();
    let mut tables = Vec::new();
    collect_tables(&doc.blocks, &doc.title, &mut tables);
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let mut names: Vec<String> = Vec::new();
    for (title, table) in tables {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(title, &names)).map_err(failed)?;
        names.push(ws.name());
        for (c, h) in table.head.iter().enumerate() {
            let col = u16::try_from(c).map_err(|_| t!("too many columns for one worksheet").into_owned())?;
            ws.write_string_with_format(0, col, h, &bold).map_err(failed)?;
        }
        for (r, cells) in table.rows.iter().enumerate() {
            let row = u32::try_from(r + 1).map_err(|_| t!("too many rows for one worksheet").into_owned())?;
            for (c, cell) in cells.iter().enumerate() {
                let col = u16::try_from(c).map_err(|_| t!("too many columns for one worksheet").into_owned())?;
                let text = plain(cell);
                // grouped amounts (`1,600,000.00`) and counts are numbers Excel can add up
                match amount(&text.replace(',', "")).filter(|_| c > 0) {
                    Some(x) if text.contains('.') => {
                        ws.write_number_with_format(row, col, x, &money).map_err(failed)?
                    }
                    Some(x) => ws.write_number(row, col, x).map_err(failed)?,
                    None => ws.write_string(row, col, &text).map_err(failed)?,
                };
            }
        }
        ws.set_freeze_panes(1, 0).map_err(failed)?;
        ws.autofit();
    }
    if names.is_empty() {
        return Err(t!("the report has no table to write as a workbook").into_owned());
    }
    book.save_to_buffer().map_err(failed)
}

fn collect_tables<'a>(
    blocks: &'a [crate::report::doc::Block],
    section: &'a str,
    out: &mut Vec<(&'a str, &'a crate::report::doc::Table)>,
) {
    use crate::report::doc::Block;
    for b in blocks {
        match b {
            Block::Table(t) => out.push((section, t)),
            Block::Section { title, blocks, .. } => collect_tables(blocks, title, out),
            Block::Group(blocks) | Block::Folded { blocks, .. } => collect_tables(blocks, section, out),
            // the rest is prose, pictures and before-and-after text, not figures
            _ => {}
        }
    }
}

/// A sheet's name: the section's title without what Excel forbids in one,
/// at most 31 characters, numbered when the same title comes again.
fn sheet_name(title: &str, taken: &[String]) -> String {
    let clean: String = title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(28)
        .collect();
    let clean = if clean.trim().is_empty() {
        "Sheet".to_string()
    } else {
        clean
    };
    let mut name = clean.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        name = format!("{clean} {n}");
        n += 1;
    }
    name
}

fn plain(xs: &[crate::report::doc::Inline]) -> String {
    use crate::report::doc::Inline;
    xs.iter()
        .map(|x| match x {
            Inline::Text(s) | Inline::Code(s) | Inline::Strong(s) | Inline::Added(s) | Inline::Removed(s) => s.as_str(),
            Inline::Link { text, .. } => text.as_str(),
            Inline::Anchor(_) => "",
            Inline::Break => "\n",
        })
        .collect()
}

/// An amount as a result line writes it (`5000000.00`, `-12.5`), as the
/// number Excel keeps; anything else is text.
fn amount(text: &str) -> Option<f64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let plain = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1
        && digits.len() <= 16;
    if !plain {
        return None;
    }
    text.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_excel_shows_them() {
        assert_eq!(number(123456.78), "123456.78");
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number(5_000_000.0), "5000000");
        assert_eq!(number(-12.5), "-12.5");
        assert_eq!(number(1e20), "100000000000000000000");
    }

    #[test]
    fn a_written_sheet_reads_back_as_the_same_rows() {
        let csv = "id,total,data_space\nA-1,5000000.00,5000000.00\n007,0.00,\n";
        let book = csv_as_sheet(csv.as_bytes(), "结果").expect("written");
        let (back, sheet) = sheet_as_csv(&book, None).expect("read");
        // amounts come back as numbers (Excel drops the trailing zeros), the id as text
        assert_eq!(
            String::from_utf8(back).expect("utf-8"),
            "id,total,data_space\nA-1,5000000,5000000\n007,0,\n"
        );
        assert_eq!(
            (sheet.name.as_str(), sheet.rows, sheet.first_column),
            ("结果", vec![1, 2, 3], 0)
        );
    }

    #[test]
    fn what_is_not_a_workbook_is_said() {
        let e = sheet_as_csv(b"id,year\nA,2025\n", None).expect_err("not a workbook");
        assert!(e.contains(".xlsx"), "{e}");
    }
}
