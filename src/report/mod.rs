//! Turning results and diagnostics into text and JSON. Nothing here prints:
//! functions return strings and values; the CLI decides where they go.

pub mod diagnostics;
pub mod diff;
pub mod diff_html;
pub mod explain;
pub mod html;

pub mod result;
pub mod schema;
pub mod table;
