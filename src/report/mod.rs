//! Turning results and diagnostics into text and JSON. Nothing here prints:
//! functions return strings and values; the CLI decides where they go.

pub mod bounds;
pub mod chart;
pub mod diagnostics;
pub mod diff;
pub mod doc;

pub mod explain;
pub mod html;
pub mod place;
pub mod result;
pub mod schema;
pub mod summary;
pub mod table;
pub mod testing;

/// A JSON answer as text: the one form the command line prints and the server
/// sends (two-space indents, a final newline), so that the same question gets
/// the same bytes from either.
pub fn document(v: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(v).unwrap_or_default();
    text.push('\n');
    text
}
