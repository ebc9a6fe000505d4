//! A small JSON reader over the bytes of one case, for decoding cases
//! straight into slots: no value tree is built. It validates what it skips,
//! bounds nesting, and reports errors with the line and column where they happen.

use std::borrow::Cow;

/// How deeply a case may nest arrays and objects.
pub const MAX_DEPTH: usize = 64;

/// Boxed, so that what every read returns stays small: reads run for every
/// value of every case, errors almost never.
#[derive(Debug)]
pub struct JsonError(Box<JsonFailure>);

#[derive(Debug)]
pub struct JsonFailure {
    /// the line within the text given, from 1 (a case file's cases are one line each)
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::ops::Deref for JsonError {
    type Target = JsonFailure;
    fn deref(&self) -> &JsonFailure {
        &self.0
    }
}

pub struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(text: &'a str) -> Self {
        Cursor { text, pos: 0 }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    #[inline]
    pub fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or("")
    }

    #[cold]
    pub fn error<T>(&self, message: impl Into<String>) -> Result<T, JsonError> {
        let before = self.text.get(..self.pos).unwrap_or("");
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Err(JsonError(Box::new(JsonFailure {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
            message: message.into(),
        })))
    }

    pub fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\r' | b'\n') = self.bytes().get(self.pos) {
            self.pos += 1;
        }
    }

    /// The next non-space byte, not consumed.
    #[inline]
    pub fn peek(&mut self) -> Option<u8> {
        // Case files are written without spaces: look before skipping any.
        match self.bytes().get(self.pos) {
            Some(&b) if b > b' ' => Some(b),
            _ => {
                self.ws();
                self.bytes().get(self.pos).copied()
            }
        }
    }

    #[inline]
    pub fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    #[inline]
    pub fn expect(&mut self, b: u8) -> Result<(), JsonError> {
        if self.eat(b) {
            Ok(())
        } else {
            self.expected(b)
        }
    }

    #[cold]
    fn expected(&mut self, b: u8) -> Result<(), JsonError> {
        match self.peek() {
            Some(c) => self.error(t!(
                "expected `%{char}`, found `%{char2}`",
                char = b as char,
                char2 = c as char
            )),
            None => self.error(t!("expected `%{char}`, found the end of the case", char = b as char)),
        }
    }

    pub fn at_end(&mut self) -> bool {
        self.peek().is_none()
    }

    /// Consumes `null` if it is next.
    #[inline]
    pub fn null(&mut self) -> bool {
        self.peek() == Some(b'n') && self.literal("null")
    }

    fn literal(&mut self, word: &str) -> bool {
        self.ws();
        if self.bytes()[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    pub fn boolean(&mut self) -> Option<bool> {
        if self.literal("true") {
            Some(true)
        } else if self.literal("false") {
            Some(false)
        } else {
            None
        }
    }

    /// A key one of `names` knows, found where it stands (`Names::at`): its
    /// value and text, the cursor past its closing quote. `None` (and the
    /// cursor where it was) for any other key, which `string` then reads.
    #[inline]
    pub fn known<V: Copy>(&mut self, find: impl Fn(&[u8], usize) -> Option<(V, usize)>) -> Option<(V, &'a str)> {
        let start = self.pos + 1;
        let v = self.quoted(find)?;
        Some((v, self.slice(start, self.pos - 1)))
    }

    /// What `find` makes of a string's text where it stands, given the length
    /// of that text up to its closing quote: the cursor then past the quote.
    /// `None`, and the cursor where it was, when `find` finds nothing.
    #[inline]
    pub fn quoted<V>(&mut self, find: impl Fn(&[u8], usize) -> Option<(V, usize)>) -> Option<V> {
        if self.bytes().get(self.pos) != Some(&b'"') {
            return None;
        }
        let (v, len) = find(self.bytes(), self.pos + 1)?;
        self.pos += len + 2;
        Some(v)
    }

    /// What `find` makes of an unquoted value where the cursor stands, given
    /// the length of its text: the cursor then past it. `None`, and the cursor
    /// where it was, when `find` finds nothing.
    #[inline]
    pub fn bare<V>(&mut self, find: impl Fn(&[u8], usize) -> Option<(V, usize)>) -> Option<V> {
        let (v, len) = find(self.bytes(), self.pos)?;
        self.pos += len;
        Some(v)
    }

    /// A string, borrowed when it has no escapes.
    pub fn string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        // Case files put no space before a string: look for its quote first.
        if self.bytes().get(self.pos) == Some(&b'"') {
            self.pos += 1;
        } else {
            self.expect(b'"')?;
        }
        let start = self.pos;
        let end = crate::json::special(self.bytes(), start);
        self.pos = end;
        match self.bytes().get(end) {
            Some(b'"') => {
                self.pos += 1;
                Ok(Cow::Borrowed(self.slice(start, end)))
            }
            Some(b'\\') => self.escaped(start).map(Cow::Owned),
            Some(_) => self.error(t!("a control character inside a string")),
            None => {
                self.pos = start;
                self.error(t!("a string that does not end"))
            }
        }
    }

    fn escaped(&mut self, start: usize) -> Result<String, JsonError> {
        let mut out = self.slice(start, self.pos).to_string();
        loop {
            let rest = self.slice(self.pos, self.text.len());
            let Some(c) = rest.chars().next() else {
                return self.error(t!("a string that does not end"));
            };
            self.pos += c.len_utf8();
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let Some(e) = self.bytes().get(self.pos).copied() else {
                        return self.error(t!("a string that does not end"));
                    };
                    self.pos += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if !(self.eat_raw(b'\\') && self.eat_raw(b'u')) {
                                    return self.error(t!("a lone surrogate in a \\u escape"));
                                }
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return self.error(t!("a lone surrogate in a \\u escape"));
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            match char::from_u32(code) {
                                Some(ch) => out.push(ch),
                                None => return self.error(t!("an invalid \\u escape")),
                            }
                        }
                        _ => return self.error(t!("an invalid escape in a string")),
                    }
                }
                c if (c as u32) < 0x20 => return self.error(t!("a control character inside a string")),
                c => out.push(c),
            }
        }
    }

    fn eat_raw(&mut self, b: u8) -> bool {
        if self.bytes().get(self.pos) == Some(&b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self.slice(self.pos, self.pos + 4);
        match u32::from_str_radix(digits, 16) {
            Ok(v) if digits.len() == 4 => {
                self.pos += 4;
                Ok(v)
            }
            _ => self.error(t!("an invalid \\u escape")),
        }
    }

    /// A whole number written as four digits with no leading zero (a year),
    /// consumed; `None`, the cursor where it was, for any other value.
    pub fn four_digits(&mut self) -> Option<i32> {
        let b = self.bytes();
        let d = b.get(self.pos..self.pos + 4)?;
        let plain = d.iter().all(u8::is_ascii_digit) && d.first() != Some(&b'0');
        if !plain || matches!(b.get(self.pos + 4), Some(b'0'..=b'9' | b'.' | b'e' | b'E')) {
            return None;
        }
        self.pos += 4;
        Some(d.iter().fold(0, |n, x| n * 10 + i32::from(x - b'0')))
    }

    /// The text of a JSON number, checked against JSON's grammar.
    pub fn number(&mut self) -> Result<&'a str, JsonError> {
        self.ws();
        let start = self.pos;
        let b = self.bytes();
        let digits = |pos: &mut usize| {
            let s = *pos;
            while b.get(*pos).is_some_and(u8::is_ascii_digit) {
                *pos += 1;
            }
            *pos > s
        };
        let mut p = self.pos;
        if b.get(p) == Some(&b'-') {
            p += 1;
        }
        if b.get(p) == Some(&b'0') {
            p += 1;
        } else if !digits(&mut p) {
            return self.error(t!("expected a value"));
        }
        if b.get(p) == Some(&b'.') {
            p += 1;
            if !digits(&mut p) {
                self.pos = p;
                return self.error(t!("a number with no digits after its decimal point"));
            }
        }
        if let Some(b'e' | b'E') = b.get(p) {
            p += 1;
            if let Some(b'+' | b'-') = b.get(p) {
                p += 1;
            }
            if !digits(&mut p) {
                self.pos = p;
                return self.error(t!("a number with no digits in its exponent"));
            }
        }
        self.pos = p;
        Ok(self.slice(start, p))
    }

    /// Skips one value of any kind, checking it is valid JSON.
    pub fn skip(&mut self, depth: usize) -> Result<(), JsonError> {
        if depth > MAX_DEPTH {
            return self.error(t!("nested more than %{MAX_DEPTH} levels deep", MAX_DEPTH = MAX_DEPTH));
        }
        match self.peek() {
            Some(b'"') => self.string().map(|_| ()),
            Some(b'{') => {
                self.pos += 1;
                if self.eat(b'}') {
                    return Ok(());
                }
                loop {
                    self.string()?;
                    self.expect(b':')?;
                    self.skip(depth + 1)?;
                    if self.eat(b'}') {
                        return Ok(());
                    }
                    self.expect(b',')?;
                }
            }
            Some(b'[') => {
                self.pos += 1;
                if self.eat(b']') {
                    return Ok(());
                }
                loop {
                    self.skip(depth + 1)?;
                    if self.eat(b']') {
                        return Ok(());
                    }
                    self.expect(b',')?;
                }
            }
            Some(b't' | b'f') => self
                .boolean()
                .map(|_| ())
                .map_or_else(|| self.error(t!("expected a value")), Ok),
            Some(b'n') => {
                if self.null() {
                    Ok(())
                } else {
                    self.error(t!("expected a value"))
                }
            }
            Some(_) => self.number().map(|_| ()),
            None => self.error(t!("expected a value, found the end of the case")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_with_and_without_escapes() {
        assert_eq!(Cursor::new(r#""通州""#).string().ok().as_deref(), Some("通州"));
        assert_eq!(
            Cursor::new(r#""a\"b\\c\u00e9\ud83d\ude00""#).string().ok().as_deref(),
            Some("a\"b\\cé😀")
        );
        assert!(Cursor::new(r#""\ud83d""#).string().is_err());
        assert!(Cursor::new("\"open").string().is_err());
    }

    #[test]
    fn four_digits_are_a_year_and_anything_else_is_left_alone() {
        for (text, year) in [("2025,", Some(2025)), ("9999}", Some(9999)), ("1000", Some(1000))] {
            assert_eq!(Cursor::new(text).four_digits(), year, "{text}");
        }
        for text in ["0202", "20250", "2025.5", "2025e1", "202", "-2025", "\"2025\"", "20a5"] {
            let mut c = Cursor::new(text);
            assert_eq!(c.four_digits(), None, "{text}");
            assert_eq!(c.pos(), 0, "{text}");
        }
    }

    #[test]
    fn numbers_follow_the_json_grammar() {
        for ok in ["0", "-1", "12.50", "1e6", "1.5E-3"] {
            assert_eq!(Cursor::new(ok).number().ok(), Some(ok));
        }
        for bad in ["01x", ".5", "1.", "1e", "-"] {
            let mut c = Cursor::new(bad);
            let whole = c.number().map(|n| n == bad).unwrap_or(false);
            assert!(!whole, "{bad}");
        }
    }

    #[test]
    fn skipping_validates_and_bounds_depth() {
        assert!(Cursor::new(r#"{"a":[1,{"b":null}],"c":true}"#).skip(0).is_ok());
        assert!(Cursor::new(r#"{"a":[1,}"#).skip(0).is_err());
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(Cursor::new(&deep).skip(0).is_err());
    }
}
