//! The name tables a case is read with.

/// The names a case may use at one level (inputs, a record's fields, an
/// enum's values), found by their length first: names are few and mostly of
/// different lengths, so a lookup is one or two byte comparisons, no hashing.
#[derive(Debug, Clone)]
pub(in crate::case) struct Names<V> {
    by_len: Vec<Vec<(Box<[u8]>, V)>>,
    /// for each first byte, the names that start with it: to find a name
    /// where it stands in a case's text
    by_first: Vec<Vec<(Box<[u8]>, V)>>,
}

impl<V> Names<V> {
    pub(in crate::case) fn get(&self, name: &str) -> Option<&V> {
        let name = name.as_bytes();
        self.by_len
            .get(name.len())?
            .iter()
            .find(|(k, _)| same(k, name))
            .map(|(_, v)| v)
    }

    /// The name the text of a key starts with at `at` (just after its opening
    /// quote), with its length: the name's bytes and then the closing quote.
    /// A key written with escapes is not found here, but by `get` once read.
    #[inline(always)]
    pub(in crate::case) fn at(&self, text: &[u8], at: usize) -> Option<(&V, usize)> {
        let first = usize::from(*text.get(at)?);
        for (name, v) in self.by_first.get(first)? {
            let len = name.len();
            if text.get(at + len) == Some(&b'"') && text.get(at..at + len).is_some_and(|t| same(t, name)) {
                return Some((v, len));
            }
        }
        None
    }
}

/// Two names of the same length are the same, compared eight bytes at a time:
/// names are short, and a call to `memcmp` for each costs more than the comparison.
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    let word = |s: &[u8], i: usize| s.get(i..).and_then(<[u8]>::first_chunk::<8>).copied();
    let mut i = 0;
    while i + 8 < n {
        if word(a, i) != word(b, i) {
            return false;
        }
        i += 8;
    }
    // the last eight bytes, overlapping the word before when the length is not a multiple of eight
    word(a, n - 8) == word(b, n - 8)
}

impl<V: Clone> FromIterator<(Box<str>, V)> for Names<V> {
    fn from_iter<I: IntoIterator<Item = (Box<str>, V)>>(iter: I) -> Self {
        let mut by_len: Vec<Vec<(Box<[u8]>, V)>> = Vec::new();
        for (k, v) in iter {
            let len = k.len();
            if by_len.len() <= len {
                by_len.resize_with(len + 1, Vec::new);
            }
            by_len[len].push((k.into_boxed_bytes(), v));
        }
        let mut by_first = vec![Vec::new(); 256];
        for (name, v) in by_len.iter().flatten() {
            if let Some(&b) = name.first() {
                by_first[usize::from(b)].push((name.clone(), v.clone()));
            }
        }
        Names { by_len, by_first }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_by_every_byte() {
        let names: Names<usize> = [
            "id",
            "year",
            "data_space_investment",
            "data_space_investmenu",
            "abcdefgh",
        ]
        .into_iter()
        .enumerate()
        .map(|(i, n)| (Box::from(n), i))
        .collect();
        assert_eq!(names.get("data_space_investment"), Some(&2));
        assert_eq!(names.get("data_space_investmenu"), Some(&3));
        assert_eq!(names.get("abcdefgh"), Some(&4));
        assert_eq!(names.get("year"), Some(&1));
        for miss in ["yeas", "data_spacf_investment", "abcdefgi", "", "i"] {
            assert_eq!(names.get(miss), None, "{miss}");
        }
        // where a key stands: the name, then its closing quote
        let at = |text: &str| names.at(text.as_bytes(), 0).map(|(v, len)| (*v, len));
        assert_eq!(at("year\":1"), Some((1, 4)));
        assert_eq!(at("data_space_investmenu\":2"), Some((3, 21)));
        assert_eq!(at("data_space_investment\""), Some((2, 21)));
        assert_eq!(at("abcdefgh\""), Some((4, 8)));
        assert_eq!(at("yea\":3"), None);
        assert_eq!(at("years\":4"), None);
        assert_eq!(at("id"), None, "a name cut off by the end of the text");
    }
}
