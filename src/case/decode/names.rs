//! The name tables a case is read with.

/// The names a case may use at one level (inputs, a record's fields, an
/// enum's values), found by their length first: names are few and mostly of
/// different lengths, so a lookup is one or two byte comparisons, no hashing.
#[derive(Debug, Clone)]
pub(in crate::case) struct Names<V> {
    by_len: Vec<Vec<(Box<[u8]>, V)>>,
}

impl<V> Names<V> {
    pub(in crate::case) fn get(&self, name: &str) -> Option<&V> {
        let name = name.as_bytes();
        self.by_len
            .get(name.len())?
            .iter()
            .find(|(k, _)| **k == *name)
            .map(|(_, v)| v)
    }
}

impl<V> FromIterator<(Box<str>, V)> for Names<V> {
    fn from_iter<I: IntoIterator<Item = (Box<str>, V)>>(iter: I) -> Self {
        let mut by_len: Vec<Vec<(Box<[u8]>, V)>> = Vec::new();
        for (k, v) in iter {
            let len = k.len();
            if by_len.len() <= len {
                by_len.resize_with(len + 1, Vec::new);
            }
            by_len[len].push((k.into_boxed_bytes(), v));
        }
        Names { by_len }
    }
}
