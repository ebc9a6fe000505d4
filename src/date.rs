//! Calendar dates, as policies and cases write them: `2025-01-01`.

/// A day that exists in the proleptic Gregorian calendar, years 1 to 9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// 1 January of `year`: the date a case without its own date is read on.
    pub fn new_year(year: i32) -> Date {
        Date { year, month: 1, day: 1 }
    }

    /// Exactly `YYYY-MM-DD` (four, two and two digits) naming a real day.
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) || !digits(8..10) {
            return None;
        }
        let year: i32 = text.get(0..4)?.parse().ok()?;
        let month: u8 = text.get(5..7)?.parse().ok()?;
        let day: u8 = text.get(8..10)?.parse().ok()?;
        if year < 1 || day < 1 || day > days_in_month(year, month)? {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// The day `days` after 1970-01-01 (what the system clock counts), by
    /// Howard Hinnant's civil-from-days; `None` outside years 1 to 9999.
    pub fn from_unix_days(days: i64) -> Option<Date> {
        let z = days.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = u8::try_from(doy - (153 * mp + 2) / 5 + 1).ok()?;
        let month = u8::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).ok()?;
        let year = i32::try_from(yoe + era * 400 + i64::from(month <= 2)).ok()?;
        (1..=9999).contains(&year).then_some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (negative before), by Howard Hinnant's days-from-civil.
    pub fn unix_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The day `n` days later (earlier when negative); `None` outside years 1 to 9999.
    pub fn plus_days(self, n: i64) -> Option<Date> {
        Date::from_unix_days(self.unix_days().checked_add(n)?)
    }

    /// The same day `n` months later (earlier when negative); a day the month
    /// lacks falls on its last day (31 January + 1 month is 28 or 29 February).
    /// `None` outside years 1 to 9999.
    pub fn plus_months(self, n: i64) -> Option<Date> {
        let index = i64::from(self.year)
            .checked_mul(12)?
            .checked_add(i64::from(self.month) - 1)?
            .checked_add(n)?;
        let year = i32::try_from(index.div_euclid(12)).ok()?;
        let month = u8::try_from(index.rem_euclid(12) + 1).ok()?;
        if !(1..=9999).contains(&year) {
            return None;
        }
        let day = self.day.min(days_in_month(year, month)?);
        Some(Date { year, month, day })
    }

    /// Whole months from this day to `to`: the most `n` with `self + n months`
    /// on or before `to` (negative, the same way back, when `to` is earlier).
    /// Whole years are these divided by 12: an age on a day.
    pub fn months_until(self, to: Date) -> i64 {
        if to < self {
            return -to.months_until(self);
        }
        let months = (i64::from(to.year) - i64::from(self.year)) * 12 + i64::from(to.month) - i64::from(self.month);
        // the anniversary in `to`'s month, moved to its last day when the month is short
        let last = days_in_month(to.year, to.month).unwrap_or(28);
        if self.day.min(last) > to.day {
            months - 1
        } else {
            months
        }
    }

    /// The first day of this day's year (`month`: of its month).
    pub fn start_of(self, month: bool) -> Date {
        Date {
            year: self.year,
            month: if month { self.month } else { 1 },
            day: 1,
        }
    }

    /// The last day of this day's year (`month`: of its month).
    pub fn end_of(self, month: bool) -> Date {
        let m = if month { self.month } else { 12 };
        Date {
            year: self.year,
            month: m,
            day: days_in_month(self.year, m).unwrap_or(28),
        }
    }

    /// True when the text has the form `YYYY-MM-DD`, whether or not the day exists.
    pub fn has_form(text: &str) -> bool {
        let b = text.as_bytes();
        b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    }
}

fn days_in_month(year: i32, month: u8) -> Option<u8> {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    Some(match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    })
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn days_since_1970() {
        let d = |n| super::Date::from_unix_days(n).map(|d| d.to_string());
        assert_eq!(d(0).as_deref(), Some("1970-01-01"));
        assert_eq!(d(59).as_deref(), Some("1970-03-01"));
        assert_eq!(d(11_016).as_deref(), Some("2000-02-29"));
        assert_eq!(d(20_784).as_deref(), Some("2026-11-27"));
        assert_eq!(d(-719_162).as_deref(), Some("0001-01-01"));
        assert_eq!(d(-719_163), None);
    }

    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap_or(Date::new_year(1))
    }

    #[test]
    fn days_there_and_back() {
        for n in [-719_162, -1, 0, 59, 11_016, 20_784, 2_932_896] {
            assert_eq!(Date::from_unix_days(n).map(Date::unix_days), Some(n));
        }
        assert_eq!(d("2024-02-28").plus_days(2), Some(d("2024-03-01")));
        assert_eq!(d("2026-01-01").plus_days(-1), Some(d("2025-12-31")));
        assert_eq!(d("9999-12-31").plus_days(1), None);
    }

    #[test]
    fn months_keep_the_day_or_fall_on_the_last() {
        assert_eq!(d("2026-01-31").plus_months(1), Some(d("2026-02-28")));
        assert_eq!(d("2028-01-31").plus_months(1), Some(d("2028-02-29")));
        assert_eq!(d("2026-03-15").plus_months(-3), Some(d("2025-12-15")));
        assert_eq!(d("2024-02-29").plus_months(12), Some(d("2025-02-28")));
        assert_eq!(d("0001-01-01").plus_months(-1), None);
    }

    #[test]
    fn whole_months_and_years_are_counted_as_ages_are() {
        let age = |born: &str, on: &str| d(born).months_until(d(on)).div_euclid(12);
        assert_eq!(age("2008-06-15", "2026-06-14"), 17);
        assert_eq!(age("2008-06-15", "2026-06-15"), 18);
        // born on 29 February: the birthday falls on 28 February in other years
        assert_eq!(age("2008-02-29", "2026-02-28"), 18);
        assert_eq!(age("2008-02-29", "2026-02-27"), 17);
        assert_eq!(d("2026-01-31").months_until(d("2026-02-28")), 1);
        assert_eq!(d("2026-01-31").months_until(d("2026-02-27")), 0);
        assert_eq!(d("2026-06-15").months_until(d("2026-03-16")), -2);
        // the count agrees with adding months, both ways
        for (a, b) in [
            ("2026-01-31", "2026-05-30"),
            ("2020-02-29", "2023-02-28"),
            ("2025-12-31", "2026-02-28"),
        ] {
            let n = d(a).months_until(d(b));
            assert!(d(a).plus_months(n).is_some_and(|x| x <= d(b)), "{a} {b}");
            assert!(d(a).plus_months(n + 1).is_some_and(|x| x > d(b)), "{a} {b}");
        }
    }

    #[test]
    fn only_real_days_in_the_one_form() {
        assert_eq!(
            Date::parse("2028-02-29").map(|d| d.to_string()),
            Some("2028-02-29".into())
        );
        for bad in [
            "2027-02-29",
            "2026/07/01",
            "2026-7-1",
            "2026-13-01",
            "2026-00-10",
            "0000-01-01",
            "20260701",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert!(Date::has_form("2027-02-29"));
        assert!(!Date::has_form("2026/07/01"));
    }
}
