//! The language zhice speaks: Chinese or English, for every message, report
//! and help text. Messages are looked up by their English text in
//! `locales/zh.yml` (rust-i18n); error codes and JSON field names never change.
//!
//! Which language: `--lang`, else `ZHICE_LANG`, else the environment's locale
//! when it names Chinese or English (`LC_ALL`, `LC_MESSAGES`, `LANG`), else the
//! language of the policy being read (a policy with Chinese text gets Chinese),
//! else English. The people who draft and review a Chinese policy read Chinese;
//! an operator who set an English locale gets English.

use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 中文
    Zh,
    /// English
    En,
}

impl Lang {
    fn code(self) -> &'static str {
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

/// Fixes the language for the rest of the run.
pub fn set(lang: Lang) {
    rust_i18n::set_locale(lang.code());
    STATE.store(FIXED, Ordering::Relaxed);
}

/// The language now in use.
pub fn current() -> Lang {
    if &*rust_i18n::locale() == "zh" {
        Lang::Zh
    } else {
        Lang::En
    }
}

pub fn is_zh() -> bool {
    current() == Lang::Zh
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
}
