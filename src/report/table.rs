//! Columns that line up whatever their content: widths are measured in
//! terminal cells (a Chinese character takes two), and a column is as wide as
//! its widest cell, so a long award id does not push the rest out of line.

use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// Rows of cells, rendered with two spaces between columns and `indent` before each row.
pub struct Table {
    align: Vec<Align>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(align: &[Align]) -> Self {
        Table {
            align: align.to_vec(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn render(&self, indent: &str) -> String {
        let columns = self.align.len();
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|s| s.width())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for row in &self.rows {
            let mut line = String::from(indent);
            for (c, cell) in row.iter().enumerate() {
                let pad = " ".repeat(widths.get(c).copied().unwrap_or(0).saturating_sub(cell.width()));
                let last = c + 1 == row.len();
                match self.align.get(c).copied().unwrap_or(Align::Left) {
                    Align::Left if last => line.push_str(cell),
                    Align::Left => {
                        line.push_str(cell);
                        line.push_str(&pad);
                    }
                    Align::Right => {
                        line.push_str(&pad);
                        line.push_str(cell);
                    }
                }
                if !last {
                    line.push_str("  ");
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_up_wide_characters_and_long_cells() {
        let mut t = Table::new(&[Align::Left, Align::Right]);
        t.row(vec!["支持项目".into(), "合计".into()]);
        t.row(vec!["a_very_long_award_identifier".into(), "1,000.00".into()]);
        let text = t.render("");
        let widths: Vec<usize> = text.lines().map(UnicodeWidthStr::width).collect();
        assert_eq!(widths[0], widths[1], "{text}");
    }
}
