//! Where a rejected case is in the table the user gave (a CSV file or a
//! worksheet): the sheet, the row as the spreadsheet numbers it, and the
//! column of each field in error, headed as the user headed it. A JSONL
//! file needs none of this: its line number says where.

/// The columns of a table of cases, and the sheet they were on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// the worksheet's name; none for a CSV file
    pub sheet: Option<String>,
    pub columns: Vec<Column>,
}

/// One column: the field it holds, its heading as written, its letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub field: String,
    pub heading: String,
    pub letter: String,
}

impl Table {
    /// The column that holds `field` (a path such as `sme`; a flat table has no deeper ones).
    pub fn column(&self, field: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.field == field && !field.is_empty())
    }

    /// The words before a rejected row: `sheet `申报` row 5: ` or `row 5: `.
    pub fn row_words(&self, row: usize) -> String {
        match &self.sheet {
            Some(sheet) => t!("sheet `%{sheet}` row %{row}: ", sheet = sheet, row = row).into_owned(),
            None => t!("row %{row}: ", row = row).into_owned(),
        }
    }

    /// A field in error named with its column: `` `sme` (column D: 中小微企业) ``;
    /// the heading is left out when it is the field's own name.
    pub fn field_words(&self, field: &str) -> Option<String> {
        let c = self.column(field)?;
        Some(if c.heading == c.field {
            t!("`%{field}` (column %{column})", field = field, column = c.letter).into_owned()
        } else {
            t!(
                "`%{field}` (column %{column}: %{heading})",
                field = field,
                column = c.letter,
                heading = c.heading
            )
            .into_owned()
        })
    }
}

/// A column's letter as spreadsheets write it: 0 is A, 25 is Z, 26 is AA.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let d = (n - 1) % 26;
        letters.push(b'A' + d as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_as_spreadsheets_write_them() {
        let got: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702].map(column_letter).to_vec();
        assert_eq!(got, ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
    }

    #[test]
    fn a_field_is_named_with_its_column_and_heading() {
        let table = Table {
            sheet: Some("申报".into()),
            columns: vec![
                Column {
                    field: "id".into(),
                    heading: "id".into(),
                    letter: "A".into(),
                },
                Column {
                    field: "sme".into(),
                    heading: "中小微企业".into(),
                    letter: "C".into(),
                },
            ],
        };
        crate::lang::scoped(crate::lang::Lang::En, || {
            assert_eq!(table.field_words("id").as_deref(), Some("`id` (column A)"));
            assert_eq!(
                table.field_words("sme").as_deref(),
                Some("`sme` (column C: 中小微企业)")
            );
            assert_eq!(table.field_words("year"), None);
            assert_eq!(table.row_words(5), "sheet `申报` row 5: ");
        });
    }
}
