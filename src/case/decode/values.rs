//! A value of each declared type, read from the case's text: numbers and
//! amounts exactly, enum values by name or label, dates, records field by
//! field, lists item by item — each error naming its field.

use super::*;

impl Decoder<'_, '_> {
    /// The value of a field the case gave as `null`, or of a required one it left out.
    pub(super) fn missing(&mut self, def: &FieldDef, path: Path) -> Value {
        when_missing(def).unwrap_or_else(|| {
            self.push(path, code::MISSING, words!("missing: this field is required"));
            Value::Absent
        })
    }

    /// A declared field; `null` means the same as leaving it out.
    pub(super) fn field(&mut self, c: &mut Cursor, def: &FieldDef, path: Path) -> Result<Value, JsonError> {
        if c.null() {
            return Ok(self.missing(def, path));
        }
        let ty = match &def.ty {
            Ty::Optional(inner) => inner.as_ref(),
            t => t,
        };
        self.value(c, ty, &def.range, path)
    }

    /// A value of type `ty`; on a mismatch the value is skipped and an error recorded.
    pub(super) fn value(&mut self, c: &mut Cursor, ty: &Ty, range: &Range, path: Path) -> Result<Value, JsonError> {
        let start = c.pos();
        let got = |c: &Cursor| show(c.slice(start, c.pos()));
        let next = c.peek();
        let res: Result<Value, (&'static str, String)> = match (ty, next) {
            (Ty::Bool, Some(b't' | b'f')) => match c.boolean() {
                Some(b) => Ok(Value::Bool(b)),
                None => return c.error(t!("expected a value")),
            },
            (Ty::Int, Some(b'-' | b'0'..=b'9')) => {
                let text = c.number()?;
                match text.parse::<i64>() {
                    Ok(n) => in_range_int(n, range).map(|()| Value::Int(n)),
                    Err(_) => Err((
                        code::TYPE,
                        t!("expected a whole number, got %{c}", c = got(c)).into_owned(),
                    )),
                }
            }
            // A whole number written as a string reads like an amount written as one.
            (Ty::Int, Some(b'"')) => {
                let s = c.string()?;
                let t = s.trim();
                match t.parse::<i64>() {
                    Ok(n) => in_range_int(n, range).map(|()| Value::Int(n)),
                    Err(_) => Err(separators(t).unwrap_or_else(|| {
                        (
                            code::TYPE,
                            t!("expected a whole number, got %{c}", c = got(c)).into_owned(),
                        )
                    })),
                }
            }
            (Ty::Money | Ty::Number, Some(b'-' | b'0'..=b'9')) => {
                let text = c.number()?;
                decimal(text).and_then(|d| in_range(d, range).map(|()| Value::Dec(d)))
            }
            (Ty::Money | Ty::Number, Some(b'"')) => {
                // The common `"653921.82"` is read where it stands; anything else as a string first.
                if let Some(d) = c.quoted(quoted_prefix) {
                    in_range(d, range).map(|()| Value::Dec(d))
                } else {
                    let s = c.string()?;
                    if let Some(d) = plain_decimal(s.as_bytes()) {
                        in_range(d, range).map(|()| Value::Dec(d))
                    } else if looks_numeric(s.trim()) {
                        decimal(s.trim()).and_then(|d| in_range(d, range).map(|()| Value::Dec(d)))
                    } else if let Some(e) = separators(s.trim()) {
                        Err(e)
                    } else if *ty == Ty::Money {
                        Err((
                            code::TYPE,
                            t!(
                                "expected an amount in yuan (a number or a decimal string), got %{c}",
                                c = got(c)
                            )
                            .into_owned(),
                        ))
                    } else {
                        Err((code::TYPE, t!("expected a number, got %{c}", c = got(c)).into_owned()))
                    }
                }
            }
            (Ty::Rate, Some(b'-' | b'0'..=b'9')) => {
                let text = c.number()?;
                decimal(text).and_then(|d| in_range(d, range).map(|()| Value::Dec(d)))
            }
            (Ty::Rate, Some(b'"')) => {
                let s = c.string()?;
                let s = s.trim();
                let bad = || {
                    (
                        code::TYPE,
                        t!("expected a rate such as 0.2 or \"20%\", got %{c}", c = got(c)).into_owned(),
                    )
                };
                let d = match s.strip_suffix('%') {
                    Some(p) => literal::percent(p).ok_or_else(bad),
                    None if looks_numeric(s) => decimal(s),
                    None => Err(bad()),
                };
                d.and_then(|d| in_range(d, range).map(|()| Value::Dec(d)))
            }
            (Ty::Text, Some(b'"')) => {
                let s = c.string()?;
                self.keep_text(&s)
                    .map(Value::CaseText)
                    .ok_or_else(|| (code::TYPE, "a text beyond 4 GiB".into()))
            }
            (Ty::Date, Some(b'"')) => {
                let s = c.string()?;
                parse_date(&s).map(Value::Date).map_err(|m| (code::DATE, m))
            }
            (Ty::Enum(en), Some(b'"')) => {
                // Most cases write a value by its very name: found where it stands, not read as a string first.
                if let Some(i) = c.quoted(|t, at| self.r.enums[*en].at(t, at).map(|(i, n)| (*i, n))) {
                    return Ok(Value::Enum(i));
                }
                let s = c.string()?;
                let def = &self.r.policy.enums[*en];
                // A value's label (`"一等奖"` for `first`) names it as well as its name does.
                let by_label = || {
                    let t = s.trim();
                    def.values.iter().position(|(_, l)| l.as_deref() == Some(t))
                };
                match self.r.enums[*en]
                    .get(s.as_ref())
                    .copied()
                    .or_else(|| by_label().map(|i| i as u32))
                {
                    Some(i) => Ok(Value::Enum(i)),
                    None => {
                        let hint = closest(&s, def.values.iter().map(|(n, _)| n.as_str()))
                            .map(|c| t!("; did you mean `%{c}`?", c = c).into_owned())
                            .unwrap_or_default();
                        Err((
                            code::ENUM,
                            t!(
                                "`%{s}` is not one of %{def}%{hint}",
                                s = s,
                                def = enum_names(def),
                                hint = hint
                            )
                            .into_owned(),
                        ))
                    }
                }
            }
            (Ty::Record(r), Some(b'{')) => return self.record(c, *r, path),
            (Ty::List(item), Some(b'[')) => return self.list(c, item, path),
            (Ty::Optional(inner), _) => return self.value(c, inner, range, path),
            _ => {
                c.skip(1)?;
                Err((
                    code::TYPE,
                    t!(
                        "expected %{expected}, got %{got}",
                        expected = expected(ty, self.r.policy),
                        got = got(c)
                    )
                    .into_owned(),
                ))
            }
        };
        Ok(res.unwrap_or_else(|(code, message)| {
            self.push(path, code, message);
            Value::Absent
        }))
    }

    pub(super) fn record(&mut self, c: &mut Cursor, r: usize, path: Path) -> Result<Value, JsonError> {
        let def = &self.r.policy.records[r];
        let n = def.fields.len();
        // The fields are written straight into their place in the case's items,
        // kept for them before any is read (a list inside goes after them).
        let (base, given) = (self.items.len(), self.scratch.given.len());
        self.items.resize(base + n, Value::Absent);
        self.scratch.given.resize(given + n, false);
        c.expect(b'{')?;
        if !c.eat(b'}') {
            loop {
                let reader = self.r;
                let names = &reader.records[r];
                let (found, key) = match c.known(|t, at| names.at(t, at).map(|(i, n)| (*i, n))) {
                    Some((i, name)) => (Some(i), Cow::Borrowed(name)),
                    None => {
                        let key = c.string()?;
                        (names.get(key.as_ref()).copied(), key)
                    }
                };
                c.expect(b':')?;
                let field_path = Path::Field(&path, &key);
                match found.as_ref() {
                    Some(&i) if self.scratch.given[given + i] => {
                        self.push(field_path, code::DUPLICATE, words!("given twice in one item"));
                        c.skip(1)?;
                    }
                    Some(&i) => {
                        self.scratch.given[given + i] = true;
                        let v = self.field(c, &def.fields[i], field_path)?;
                        self.items[base + i] = v;
                    }
                    None => {
                        let whose = t!("the fields of `%{def}`", def = def.name).into_owned();
                        let names = def.fields.iter().map(|f| f.name.as_str());
                        self.errors.push(unknown_field(field_path, &key, &whose, names));
                        c.skip(1)?;
                    }
                }
                if c.eat(b'}') {
                    break;
                }
                c.expect(b',')?;
            }
        }
        // The defaults were worked out when the reader was made; the fields start absent.
        let reader = self.r;
        for (i, default) in reader.record_fill.get(r).map_or(&[][..], Vec::as_slice) {
            if let (Some(false), Some(v)) = (self.scratch.given.get(given + i), self.items.get_mut(base + i)) {
                *v = default.clone();
            }
        }
        for &i in reader.record_required.get(r).map_or(&[][..], Vec::as_slice) {
            if let (Some(false), Some(f)) = (self.scratch.given.get(given + i).copied(), def.fields.get(i)) {
                self.missing(f, Path::Field(&path, &f.name));
            }
        }
        self.scratch.given.truncate(given);
        Ok(Value::Record(Span32::new(base, n).unwrap_or_default()))
    }

    pub(super) fn list(&mut self, c: &mut Cursor, item: &Ty, path: Path) -> Result<Value, JsonError> {
        c.expect(b'[')?;
        if c.eat(b']') {
            return Ok(Value::List(Span32::default()));
        }
        let base = self.scratch.values.len();
        let mut i = 0;
        loop {
            if i == MAX_LIST_ITEMS {
                self.push(
                    path,
                    code::TOO_MANY_ITEMS,
                    words!(
                        "more than %{MAX_LIST_ITEMS} items; a list in a case is limited to that",
                        MAX_LIST_ITEMS = MAX_LIST_ITEMS
                    ),
                );
            }
            let p = Path::Index(&path, i);
            if i >= MAX_LIST_ITEMS {
                c.skip(1)?;
            } else if c.null() {
                self.push(p, code::TYPE, words!("a list item cannot be null"));
            } else {
                let v = self.value(c, item, &Range::default(), p)?;
                self.scratch.values.push(v);
            }
            i += 1;
            if c.eat(b']') {
                break;
            }
            c.expect(b',')?;
        }
        Ok(Value::List(self.keep_items(base)))
    }
}

pub(super) fn enum_names(def: &crate::check::model::EnumDef) -> String {
    def.values
        .iter()
        .map(|(n, _)| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn expected(ty: &Ty, policy: &Policy) -> String {
    match ty {
        Ty::Bool => t!("true or false").into_owned(),
        Ty::Int => t!("a whole number").into_owned(),
        Ty::Number => t!("a number").into_owned(),
        Ty::Money => t!("an amount in yuan (a number or a decimal string)").into_owned(),
        Ty::Rate => t!("a rate such as 0.2 or \"20%\"").into_owned(),
        Ty::Text => t!("a string").into_owned(),
        Ty::Date => t!("a date such as \"2025-01-01\"").into_owned(),
        Ty::Enum(en) => t!("one of %{en}", en = enum_names(&policy.enums[*en])).into_owned(),
        Ty::Record(_) => t!("an object").into_owned(),
        Ty::List(_) => t!("a list").into_owned(),
        Ty::Optional(t) => expected(t, policy),
    }
}
