//! Pictures for reviewers: static SVG drawn from the figures a table beside
//! them gives too (a terminal shows the table only). No script, no font of
//! its own, every text escaped. Lengths are worked out in exact decimals and
//! rounded to whole pixels: amounts never pass through floating point.

use crate::number::money;
use crate::report::doc::Chart;
use rust_decimal::Decimal;
use std::fmt::Write;

const OLD: &str = "#9aa4ae";
const NEW: &str = "#0b5cad";
const GAIN: &str = "#2e7d32";
const LOSE: &str = "#c62828";
const SAME: &str = "#9aa4ae";
const REJECTED: &str = "#e5a000";

/// Width of the labels' column, and of the longest bar, in pixels.
const LABEL: i64 = 190;
const BAR: i64 = 330;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `part / whole` of `length` pixels, at least 1 for any part above 0.
fn pixels(part: Decimal, whole: Decimal, length: i64) -> i64 {
    if whole <= Decimal::ZERO || part <= Decimal::ZERO {
        return 0;
    }
    let px = part
        .checked_mul(Decimal::from(length))
        .and_then(|x| x.checked_div(whole))
        .map(|x| x.round())
        .and_then(|x| i64::try_from(x).ok())
        .unwrap_or(length);
    px.clamp(1, length)
}

/// A label cut to what fits its column (Chinese characters are about twice as wide).
fn fitted(label: &str) -> String {
    let mut width = 0;
    let mut out = String::new();
    for c in label.chars() {
        width += if c.is_ascii() { 1 } else { 2 };
        if width > 26 {
            out.push('…');
            break;
        }
        out.push(c);
    }
    out
}

fn svg(title: &str, height: i64, body: &str) -> String {
    let width = LABEL + BAR + 130;
    format!(
        "<svg viewBox=\"0 0 {width} {height}\" width=\"100%\" \
         style=\"max-width:{width}px\" role=\"img\" aria-label=\"{t}\" font-size=\"12\" font-family=\"inherit\">\
         <title>{t}</title>{body}</svg>",
        t = esc(title)
    )
}

fn legend(x: i64, y: i64, items: &[(&str, String)]) -> String {
    let mut out = String::new();
    let mut at = x;
    for (color, label) in items {
        let _ = write!(
            out,
            "<rect x=\"{at}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{color}\"/><text x=\"{}\" y=\"{}\">{}</text>",
            y - 9,
            at + 14,
            y,
            esc(label)
        );
        // about 7 pixels an ASCII character, 12 a Chinese one
        let width: i64 = label.chars().map(|c| if c.is_ascii() { 7 } else { 12 }).sum();
        at += 28 + width;
    }
    out
}

/// Each measure's budget before and after, as two bars side by side.
pub fn before_after(title: &str, rows: &[(String, Decimal, Decimal)], before: &str, after: &str) -> Chart {
    let max = rows.iter().flat_map(|(_, a, b)| [*a, *b]).max().unwrap_or_default();
    let mut body = legend(LABEL, 14, &[(OLD, before.to_string()), (NEW, after.to_string())]);
    let mut y = 26;
    for (label, old, new) in rows {
        let _ = write!(
            body,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            LABEL - 8,
            y + 15,
            esc(&fitted(label))
        );
        for (value, color, dy) in [(*old, OLD, 0), (*new, NEW, 13)] {
            let w = pixels(value, max, BAR);
            let _ = write!(
                body,
                "<rect x=\"{LABEL}\" y=\"{}\" width=\"{w}\" height=\"11\" fill=\"{color}\"/>\
                 <text x=\"{}\" y=\"{}\" font-size=\"10\">{}</text>",
                y + dy,
                LABEL + w + 4,
                y + dy + 9,
                money(value)
            );
        }
        y += 34;
    }
    Chart {
        title: title.to_string(),
        svg: svg(title, y + 4, &body),
    }
}

/// How many applicants gain, lose, stay the same, or are rejected: one bar in parts.
pub fn applicants(title: &str, parts: &[(String, usize)]) -> Chart {
    let colors = [GAIN, LOSE, SAME, REJECTED];
    let whole: usize = parts.iter().map(|(_, n)| n).sum();
    let mut body = String::new();
    let mut x = 0;
    let width = LABEL + BAR;
    for ((label, n), color) in parts.iter().zip(colors) {
        let w = pixels(Decimal::from(*n), Decimal::from(whole), width);
        if w == 0 {
            continue;
        }
        let _ = write!(
            body,
            "<rect x=\"{x}\" y=\"6\" width=\"{w}\" height=\"22\" fill=\"{color}\"><title>{}</title></rect>",
            esc(&format!("{label} {n}"))
        );
        x += w;
    }
    let items: Vec<(&str, String)> = parts
        .iter()
        .zip(colors)
        .map(|((label, n), color)| (color, format!("{label} {n}")))
        .collect();
    body.push_str(&legend(0, 48, &items));
    Chart {
        title: title.to_string(),
        svg: svg(title, 56, &body),
    }
}

/// How the change of each changed case's total is spread: a histogram of
/// equal ranges from the largest cut to the largest rise.
pub fn changes(title: &str, deltas: &[Decimal], cases: &str) -> Option<Chart> {
    let (lo, hi) = (*deltas.iter().min()?, *deltas.iter().max()?);
    let bins: usize = if lo == hi { 1 } else { 8 };
    let step = if bins == 1 {
        Decimal::ONE
    } else {
        hi.checked_sub(lo)?.checked_div(Decimal::from(bins))?
    };
    let mut counts = vec![0usize; bins];
    for d in deltas {
        let k = if bins == 1 {
            0
        } else {
            d.checked_sub(lo)
                .and_then(|x| x.checked_div(step))
                .map(|x| x.floor())
                .and_then(|x| usize::try_from(x).ok())
                .unwrap_or(0)
                .min(bins - 1)
        };
        counts[k] += 1;
    }
    let most = counts.iter().copied().max().unwrap_or(1);
    let (height, column) = (140, (LABEL + BAR) / i64::try_from(bins).unwrap_or(1));
    let mut body = String::new();
    for (k, n) in counts.iter().enumerate() {
        let h = pixels(Decimal::from(*n), Decimal::from(most), height);
        let x = i64::try_from(k).unwrap_or(0) * column;
        // (within lo..hi, whose difference was worked out above without overflow)
        let from = step
            .checked_mul(Decimal::from(k))
            .and_then(|x| lo.checked_add(x))
            .unwrap_or(lo);
        let to = if bins == 1 {
            hi
        } else {
            from.checked_add(step).unwrap_or(hi)
        };
        let color = if to <= Decimal::ZERO {
            LOSE
        } else if from >= Decimal::ZERO {
            GAIN
        } else {
            SAME
        };
        let _ = write!(
            body,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{h}\" fill=\"{color}\"><title>{}</title></rect>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\">{n}</text>",
            x + 2,
            20 + height - h,
            column - 4,
            esc(&format!(
                "{} … {}: {n} {cases}",
                money(from.round_dp(2)),
                money(to.round_dp(2))
            )),
            x + column / 2,
            16 + height - h,
        );
    }
    let _ = write!(
        body,
        "<text x=\"0\" y=\"{}\" font-size=\"10\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"10\">{}</text>",
        height + 36,
        money(lo.round_dp(2)),
        LABEL + BAR,
        height + 36,
        money(hi.round_dp(2))
    );
    Some(Chart {
        title: title.to_string(),
        svg: svg(title, height + 42, &body),
    })
}

/// The impact as pictures: the budget by measure, who gains and loses, and
/// how the changes of the cases that changed are spread.
pub fn impact(imp: &crate::diff::impact::Impact, before: &str, after: &str) -> Vec<Chart> {
    let mut out = Vec::new();
    let rows: Vec<(String, Decimal, Decimal)> = imp
        .awards
        .iter()
        .filter(|a| !a.total_old.is_zero() || !a.total_new.is_zero())
        .map(|a| (a.title.clone(), a.total_old, a.total_new))
        .collect();
    if !rows.is_empty() {
        out.push(before_after(
            &t!("The budget of each measure, before and after"),
            &rows,
            before,
            after,
        ));
    }
    out.push(applicants(
        &t!("Applicants who gain, lose, stay the same or are rejected"),
        &[
            (t!("gain").into_owned(), imp.gainers),
            (t!("lose").into_owned(), imp.losers),
            (t!("unchanged").into_owned(), imp.unchanged),
            (t!("rejected").into_owned(), imp.rejected.len()),
        ],
    ));
    let deltas: Vec<Decimal> = imp
        .changed
        .iter()
        .filter_map(|c| c.total_new.checked_sub(c.total_old))
        .filter(|d| !d.is_zero())
        .collect();
    if let Some(c) = changes(
        &t!("How much each case that changed gains or loses"),
        &deltas,
        &t!("cases"),
    ) {
        out.push(c);
    }
    out
}

/// A line of how one amount moves with one input: the corners of the line,
/// the corners worth naming (numbered ①②… in the picture, their words beside
/// it), and one worked example as a dot.
pub struct Line<'a> {
    pub title: &'a str,
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub points: &'a [(Decimal, Decimal)],
    pub marks: &'a [(Decimal, Decimal)],
    pub example: Option<(Decimal, Decimal)>,
    pub example_label: &'a str,
}

/// The circled numbers that name a line's marks, in the picture and in the text beside it.
pub const MARKS: [char; 10] = ['①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨', '⑩'];

pub fn line(l: &Line) -> Chart {
    const LEFT: i64 = 64;
    const WIDE: i64 = 560;
    const TOP: i64 = 28;
    const HIGH: i64 = 200;
    let x_end = l
        .points
        .iter()
        .map(|p| p.0)
        .chain(l.example.map(|e| e.0))
        .max()
        .unwrap_or_default();
    let y_end = l
        .points
        .iter()
        .map(|p| p.1)
        .chain(l.example.map(|e| e.1))
        .max()
        .unwrap_or_default();
    let y_end = if y_end <= Decimal::ZERO { Decimal::ONE } else { y_end };
    let at = |(x, y): (Decimal, Decimal)| (LEFT + pixels(x, x_end, WIDE), TOP + HIGH - pixels(y, y_end, HIGH));
    let mut body = format!(
        "<text x=\"0\" y=\"14\" font-size=\"11\">{}</text>\
         <line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{b}\" stroke=\"#888\"/>\
         <line x1=\"{LEFT}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#888\"/>\
         <text x=\"{mid}\" y=\"{t}\" text-anchor=\"middle\" font-size=\"11\">{}</text>",
        esc(l.y_label),
        esc(l.x_label),
        b = TOP + HIGH,
        r = LEFT + WIDE,
        mid = LEFT + WIDE / 2,
        t = TOP + HIGH + 34,
    );
    for k in 0..=2i64 {
        let part = |end: Decimal| {
            end.checked_mul(Decimal::from(k))
                .and_then(|v| v.checked_div(Decimal::TWO))
                .unwrap_or(end)
        };
        let (x, y) = (part(x_end), part(y_end));
        let (px, _) = at((x, Decimal::ZERO));
        let (_, py) = at((Decimal::ZERO, y));
        let anchor = ["start", "middle", "end"][usize::try_from(k).unwrap_or(0)];
        let _ = write!(
            body,
            "<text x=\"{px}\" y=\"{}\" text-anchor=\"{anchor}\" font-size=\"10\">{}</text>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"10\">{}</text>\
             <line x1=\"{LEFT}\" y1=\"{py}\" x2=\"{}\" y2=\"{py}\" stroke=\"#eee\"/>",
            TOP + HIGH + 14,
            short(x),
            LEFT - 4,
            py + 4,
            short(y),
            LEFT + WIDE,
        );
    }
    let corners: Vec<String> = l
        .points
        .iter()
        .map(|p| {
            let (x, y) = at(*p);
            format!("{x},{y}")
        })
        .collect();
    let _ = write!(
        body,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"{NEW}\" stroke-width=\"2\"/>",
        corners.join(" ")
    );
    for (mark, n) in l.marks.iter().zip(MARKS) {
        let (x, y) = at(*mark);
        let _ = write!(
            body,
            "<line x1=\"{x}\" y1=\"{y}\" x2=\"{x}\" y2=\"{}\" stroke=\"{OLD}\" stroke-dasharray=\"3 3\"/>\
             <circle cx=\"{x}\" cy=\"{y}\" r=\"3\" fill=\"{NEW}\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"12\">{n}</text>",
            TOP + HIGH,
            x + 4,
            (y - 6).max(TOP + 10),
        );
    }
    if let Some(example) = l.example {
        let (x, y) = at(example);
        let _ = write!(
            body,
            "<circle cx=\"{x}\" cy=\"{y}\" r=\"5\" fill=\"{REJECTED}\" stroke=\"#fff\"><title>{}</title></circle>",
            esc(l.example_label)
        );
        body.push_str(&legend(
            LEFT,
            TOP + HIGH + 54,
            &[(REJECTED, l.example_label.to_string())],
        ));
    }
    let height = TOP + HIGH + 62;
    Chart {
        title: l.title.to_string(),
        svg: format!(
            "<svg viewBox=\"0 0 {w} {height}\" width=\"100%\" style=\"max-width:{w}px\" role=\"img\" \
             aria-label=\"{t}\" font-size=\"12\" font-family=\"inherit\"><title>{t}</title>{body}</svg>",
            w = LEFT + WIDE + 16,
            t = esc(l.title)
        ),
    }
}

/// An amount short enough for an axis: 2,500万 and 1.2亿 in Chinese, 25M and 300k in English.
fn short(d: Decimal) -> String {
    let units: [(i64, &str); 2] = if crate::lang::is_zh() {
        [(100_000_000, "亿"), (10_000, "万")]
    } else {
        [(1_000_000, "M"), (1_000, "k")]
    };
    for (unit, name) in units {
        let unit = Decimal::from(unit);
        if d.abs() >= unit {
            let n = (d / unit).round_dp(2).normalize();
            return format!("{}{name}", crate::number::quantity(n));
        }
    }
    crate::number::quantity(d.round_dp(2).normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_runs_from_its_first_corner_to_its_last_and_numbers_its_marks() {
        let d = |n: i64| Decimal::from(n);
        let c = line(&Line {
            title: "t",
            x_label: "x",
            y_label: "y",
            points: &[(d(0), d(0)), (d(500), d(100)), (d(1000), d(100))],
            marks: &[(d(500), d(100))],
            example: Some((d(250), d(50))),
            example_label: "e",
        });
        // 0 at the axes' corner, 500 halfway across, 1000 at the end; 100 at the top
        assert!(c.svg.contains("points=\"64,228 344,28 624,28\""), "{}", c.svg);
        assert!(c.svg.contains(">①<") && !c.svg.contains(">②<"));
        assert!(c.svg.contains("cx=\"204\" cy=\"128\" r=\"5\""), "{}", c.svg);
    }

    #[test]
    fn bars_are_in_proportion_and_never_vanish() {
        assert_eq!(pixels(Decimal::from(50), Decimal::from(100), 330), 165);
        assert_eq!(pixels(Decimal::from(100), Decimal::from(100), 330), 330);
        // a part too small to draw is still one pixel wide
        assert_eq!(pixels(Decimal::ONE, Decimal::from(1_000_000), 330), 1);
        assert_eq!(pixels(Decimal::ZERO, Decimal::from(100), 330), 0);
        assert_eq!(pixels(Decimal::from(5), Decimal::ZERO, 330), 0);
    }

    #[test]
    fn text_in_a_picture_is_escaped() {
        let c = before_after("a <b>", &[("x & y".into(), Decimal::ONE, Decimal::TWO)], "old", "new");
        assert!(
            c.svg.contains("a &lt;b&gt;") && c.svg.contains("x &amp; y"),
            "{}",
            c.svg
        );
        assert!(!c.svg.contains("<b>"));
    }

    #[test]
    fn every_change_lands_in_one_bin() {
        let deltas: Vec<Decimal> = [-500, -1, 0, 3, 250, 1000].iter().map(|d| Decimal::from(*d)).collect();
        let c = changes("t", &deltas, "cases").expect("a chart");
        let counted: usize = c
            .svg
            .split("font-size=\"10\">")
            .skip(1)
            .filter_map(|s| s.split('<').next()?.parse::<usize>().ok())
            .sum();
        assert_eq!(counted, deltas.len());
        assert!(changes("t", &[], "cases").is_none());
        // the widest spread there is draws no chart rather than overflowing
        assert!(changes("t", &[Decimal::MIN, Decimal::MAX], "cases").is_none());
    }
}
