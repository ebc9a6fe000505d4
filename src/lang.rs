//! The language zhice speaks: Chinese or English, for every message, report
//! and help text. Messages are looked up by their English text in
//! `locales/zh.yml` (rust-i18n); error codes and JSON field names never change.
//!
//! Which language: `--lang`, else `ZHICE_LANG`, else the environment's locale
//! when it names Chinese or English (`LC_ALL`, `LC_MESSAGES`, `LANG`), else the
//! language of the policy being read (a policy with Chinese text gets Chinese),
//! else English. The people who draft and review a Chinese policy read Chinese;
//! an operator who set an English locale gets English.

use std::cell::Cell;
use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 中文
    Zh,
    /// English
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// `zh_CN.UTF-8` → Chinese, `en_US` → English, `C` or `POSIX` → no preference.
    pub fn from_locale(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Lang::Zh)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }
}

const UNSET: u8 = 0;
const FIXED: u8 = 1;
static STATE: AtomicU8 = AtomicU8::new(UNSET);
/// The process's language: 0 English, 1 Chinese.
static PROCESS: AtomicU8 = AtomicU8::new(0);

thread_local! {
    /// The language of what this thread is doing now, when it is not the process's.
    static SCOPED: Cell<Option<Lang>> = const { Cell::new(None) };
}

/// Fixes the process's language for the rest of the run.
pub fn set(lang: Lang) {
    PROCESS.store(u8::from(lang == Lang::Zh), Ordering::Relaxed);
    STATE.store(FIXED, Ordering::Relaxed);
}

/// The language now in use on this thread.
pub fn current() -> Lang {
    SCOPED.with(Cell::get).unwrap_or_else(|| {
        if PROCESS.load(Ordering::Relaxed) == 1 {
            Lang::Zh
        } else {
            Lang::En
        }
    })
}

/// Runs `f` speaking `lang` on this thread, and the language before it after:
/// a server's request, or a batch's worker, speaks the language it was asked
/// for while other threads speak theirs. Words are chosen when they are
/// rendered, so whatever renders inside `f` is in `lang`.
pub fn scoped<T>(lang: Lang, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<Lang>);
    impl Drop for Restore {
        fn drop(&mut self) {
            SCOPED.with(|s| s.set(self.0));
        }
    }
    let _restore = Restore(SCOPED.with(|s| s.replace(Some(lang))));
    f()
}

/// The language an HTTP `Accept-Language` header prefers, of the two zhice
/// speaks: the first in order of its `q` weights (`zh-CN,zh;q=0.9,en;q=0.8`).
pub fn from_accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(u16, Lang)> = None;
    for part in header.split(',') {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or("").trim();
        let q = pieces.find_map(|p| p.trim().strip_prefix("q=")).map_or(1000, |q| {
            q.trim()
                .parse::<f32>()
                .map_or(0, |f| (f.clamp(0.0, 1.0) * 1000.0) as u16)
        });
        let Some(lang) = Lang::from_locale(tag) else { continue };
        if q > 0 && best.is_none_or(|(b, _)| q > b) {
            best = Some((q, lang));
        }
    }
    best.map(|(_, l)| l)
}

/// Why the system refused to read or write a file, in the language of the
/// moment (the system's own message is in English whatever the locale).
pub fn io_error(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let said = match e.kind() {
        K::NotFound => t!("no such file or directory"),
        K::PermissionDenied => t!("permission denied"),
        K::IsADirectory => t!("it is a directory, not a file"),
        K::NotADirectory => t!("a part of the path is not a directory"),
        K::AlreadyExists => t!("it already exists"),
        K::StorageFull => t!("the disk is full"),
        K::InvalidData => t!("the contents are not valid"),
        K::BrokenPipe => t!("the reader went away"),
        K::Interrupted | K::TimedOut | K::WouldBlock => t!("the system interrupted it; try again"),
        _ => match e.raw_os_error() {
            Some(n) => t!("the system refused (error %{n})", n = n),
            None => t!("the system refused"),
        },
    };
    said.into_owned()
}

/// A message as data: its catalogue key (the English text) and its
/// arguments, worded only when it is shown — in the language of that moment,
/// not of the moment it arose. What another part of the system already worded
/// (a JSON parser's complaint) is carried as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    key: std::borrow::Cow<'static, str>,
    /// each argument is words too: a message inside a message is worded with it
    args: Vec<(&'static str, Words)>,
    /// already worded: shown as it is
    said: bool,
}

impl Words {
    /// A message from the catalogue (`words!` writes this).
    pub fn new(key: &'static str, args: Vec<(&'static str, Words)>) -> Words {
        Words {
            key: key.into(),
            args,
            said: false,
        }
    }

    /// Its text in the language of the moment.
    pub fn text(&self) -> String {
        if self.said {
            return self.key.to_string();
        }
        let mut text = super::_rust_i18n_try_translate(current().code(), &self.key)
            .map_or_else(|| self.key.to_string(), |t| t.into_owned());
        for (name, value) in &self.args {
            text = text.replace(&format!("%{{{name}}}"), &value.text());
        }
        text
    }
}

/// What may stand in a message: words (kept as words, worded with it), or a
/// value shown as it is.
pub trait Arg {
    fn into_words(self) -> Words;
}

impl Arg for &Words {
    fn into_words(self) -> Words {
        self.clone()
    }
}

impl<T: std::fmt::Display + ?Sized> Arg for &T {
    fn into_words(self) -> Words {
        Words::from(self.to_string())
    }
}

impl From<String> for Words {
    fn from(text: String) -> Words {
        Words {
            key: text.into(),
            args: Vec::new(),
            said: true,
        }
    }
}

impl From<&str> for Words {
    fn from(text: &str) -> Words {
        Words::from(text.to_string())
    }
}

impl From<std::borrow::Cow<'_, str>> for Words {
    fn from(text: std::borrow::Cow<'_, str>) -> Words {
        Words::from(text.into_owned())
    }
}

impl serde::Serialize for Words {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

pub fn is_zh() -> bool {
    current() == Lang::Zh
}

/// The colon after a label: full-width in Chinese.
pub fn colon() -> &'static str {
    if is_zh() {
        "："
    } else {
        ": "
    }
}

/// True when `locales/zh.yml` has the Chinese of this English message.
pub fn has_chinese(english: &str) -> bool {
    super::_rust_i18n_try_translate("zh", english).is_some()
}

/// The language the command line and the environment ask for, if any.
pub fn requested(flag: Option<Lang>) -> Option<Lang> {
    flag.or_else(|| std::env::var("ZHICE_LANG").ok().as_deref().and_then(Lang::from_locale))
        .or_else(|| {
            ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
                .as_deref()
                .and_then(Lang::from_locale)
        })
}

/// When nothing fixed the language, the first policy read decides it.
pub fn follow_source(source: &str) {
    if STATE.load(Ordering::Relaxed) == UNSET {
        set(of_source(source));
    }
}

/// Chinese when the text holds Chinese characters (in its clause text, labels or title).
pub fn of_source(source: &str) -> Lang {
    if source.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
        Lang::Zh
    } else {
        Lang::En
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales() {
        assert_eq!(Lang::from_locale("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::from_locale("en_GB"), Some(Lang::En));
        assert_eq!(Lang::from_locale("C.UTF-8"), None);
        assert_eq!(of_source("policy \"若干措施\" {}"), Lang::Zh);
        assert_eq!(of_source("policy \"Measures\" {}"), Lang::En);
    }

    #[test]
    fn accept_language_takes_the_most_wanted_of_ours() {
        assert_eq!(from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"), Some(Lang::Zh));
        assert_eq!(from_accept_language("fr-FR, en;q=0.5, zh;q=0.7"), Some(Lang::Zh));
        assert_eq!(from_accept_language("en-US"), Some(Lang::En));
        assert_eq!(from_accept_language("fr, de;q=0.3"), None);
        assert_eq!(from_accept_language("zh;q=0, en;q=0.1"), Some(Lang::En));
    }

    #[test]
    fn words_are_worded_when_shown() {
        let w = Words::new(
            "%{rejected} of %{cases} case(s) had errors and got no result",
            vec![("rejected", "1".into()), ("cases", "3".into())],
        );
        assert_eq!(
            scoped(Lang::En, || w.text()),
            "1 of 3 case(s) had errors and got no result"
        );
        assert_eq!(scoped(Lang::Zh, || w.text()), "3 个申报中有 1 个有误，没有计算结果");
        let said = Words::from("as it was said".to_string());
        assert_eq!(scoped(Lang::Zh, || said.text()), "as it was said");
    }

    #[test]
    fn a_scope_speaks_its_language_and_then_the_one_before() {
        let before = current();
        let other = if before == Lang::Zh { Lang::En } else { Lang::Zh };
        let inside = scoped(other, || (current(), scoped(before, current)));
        assert_eq!(inside, (other, before));
        assert_eq!(current(), before);
    }
}
