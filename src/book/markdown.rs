//! The book as Markdown: for a repository, a wiki or a word processor.

use super::Book;

pub fn document(book: &Book) -> String {
    crate::report::doc::markdown_at(&super::document::document(book), 1)
}
