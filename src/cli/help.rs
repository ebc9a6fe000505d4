//! The help text: examples for each command, and the whole help in the
//! language of the run. clap's texts are the English doc comments; in Chinese
//! each is looked up in `locales/zh.yml` by its English text, like every message.

use crate::lang::Lang;
use clap::Command;
use std::error::Error as _;
use std::ffi::OsString;

pub const MAIN_EXAMPLES: &str = "Examples:
  zhice check policies/tongzhou-2025-draft.policy
  zhice eval policies/tongzhou-2025-draft.policy --cases cases.jsonl --summary
  zhice explain policies/tongzhou-2025-draft.policy --case case.json
  zhice diff old.policy new.policy --cases cases.jsonl
  zhice --lang en test policies/tongzhou-2025-draft.policy";

pub const CHECK_EXAMPLES: &str = "Examples:
  zhice check policies/tongzhou-2025-draft.policy
  zhice check --error-format json draft.policy
  cat draft.policy | zhice check -";

pub const EVAL_EXAMPLES: &str = "Examples:
  zhice eval policies/tongzhou-2025-draft.policy --case case.json
  zhice eval policies/tongzhou-2025-draft.policy --cases cases.jsonl --format jsonl > results.jsonl
  zhice eval policies/tongzhou-2025-draft.policy --cases cases.csv --format csv --bom > results.csv
  zhice eval policies/tongzhou-2025-draft.policy --cases cases.jsonl --summary --set data_space_cap=800万元";

pub const ROUND_EXAMPLES: &str = "Examples:
  zhice round policies/examples/compute-voucher.policy --cases round-1.jsonl --registry grants.db
  zhice round policies/examples/compute-voucher.policy --cases round-1.jsonl --registry grants.db --commit 2026-R1
  ZHICE_REGISTRY=grants.db zhice round policies/examples/compute-voucher.policy --cases round-2.xlsx --commit 2026-R2";

pub const REGISTRY_EXAMPLES: &str = "Examples:
  zhice registry ledger A-017 --registry grants.db
  zhice registry rounds --registry grants.db
  zhice registry funds --registry grants.db --format json
  zhice registry void 2026-R2 --reason \"申报材料有误，撤销本轮\" --registry grants.db
  zhice registry export --registry grants.db --out grants.xlsx";

pub const EXPLAIN_EXAMPLES: &str = "Examples:
  zhice explain policies/tongzhou-2025-draft.policy --case case.json
  zhice explain policies/corpus/P09-budget-pool.policy --cases round.jsonl --id A-017";

pub const DIFF_EXAMPLES: &str = "Examples:
  zhice diff old.policy new.policy
  zhice diff old.policy new.policy --cases cases.jsonl --format html > review.html
  zhice diff policy.policy policy.policy --set voucher_rate=40% --cases cases.jsonl";

pub const BOUNDS_EXAMPLES: &str = "Examples:
  zhice bounds policies/tongzhou-2025-draft.policy
  zhice bounds policies/tongzhou-2025-draft.policy --cases cases.jsonl --format json";

pub const SAMPLE_EXAMPLES: &str = "Examples:
  zhice sample policies/tongzhou-2025-draft.policy -n 10000 --seed 7 > cases.jsonl";

pub const FMT_EXAMPLES: &str = "Examples:
  zhice fmt policies/*.policy policies/*.tests
  zhice fmt --check policies/tongzhou-2025-draft.policy";

pub const SCHEMA_EXAMPLES: &str = "Examples:
  zhice schema policies/tongzhou-2025-draft.policy > case.schema.json
  zhice schema policies/tongzhou-2025-draft.policy --format result > result.schema.json";

pub const DOC_EXAMPLES: &str = "Examples:
  zhice doc policies/tongzhou-2025-draft.policy --out book
  zhice doc policies/tongzhou-2025-illustrative-amendment.policy --previous policies/tongzhou-2025-draft.policy --out amendment.html
  zhice doc policies/tongzhou-2025-draft.policy --format markdown > tongzhou.md";

pub const SERVE_EXAMPLES: &str = "Examples:
  zhice serve policies
  zhice serve policies --listen 0.0.0.0:8080 --log-format json
  curl -s localhost:8080/v1/policies
  curl -s localhost:8080/v1/policies/tongzhou-2025-draft/eval -d '{\"id\":\"A\",\"year\":2025,\"sme\":true}'";

pub const LSP_EXAMPLES: &str = "An editor starts it; see docs/drafting.md for VS Code and Neovim.
Examples:
  zhice lsp
  zhice lsp --lang zh";

pub const TEST_EXAMPLES: &str = "Examples:
  zhice test policies/tongzhou-2025-draft.policy
  zhice test policies/tongzhou-2025-draft.policy --require-coverage";

/// `--lang X` or `--lang=X` anywhere on the command line, read before clap parses it.
pub fn lang_flag(args: &[OsString]) -> Option<Lang> {
    let args: Vec<&str> = args.iter().filter_map(|a| a.to_str()).collect();
    args.iter().enumerate().find_map(|(i, a)| {
        let value = match a.strip_prefix("--lang") {
            Some("") => args.get(i + 1).copied(),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        value.and_then(Lang::from_locale)
    })
}

/// Every text of the command tree, in the language of the run.
pub fn localized(cmd: Command) -> Command {
    if !crate::lang::is_zh() {
        return cmd;
    }
    translate(cmd)
}

fn translate(mut cmd: Command) -> Command {
    let tr = |s: Option<&clap::builder::StyledStr>| s.map(|s| chinese(&s.to_string()));
    if let Some(about) = tr(cmd.get_about()) {
        cmd = cmd.about(about);
    }
    if let Some(after) = tr(cmd.get_after_help()) {
        cmd = cmd.after_help(after);
    }
    cmd = cmd
        .help_template("{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}")
        .subcommand_help_heading("命令")
        .mut_args(|a| {
            let heading = if a.is_positional() { "参数" } else { "选项" };
            let Some(help) = a.get_help().map(|h| chinese(&h.to_string())) else {
                return a.help_heading(heading);
            };
            // clap writes "[default: …]" and "[possible values: …]" in English: say them here instead.
            let defaults: Vec<String> = a
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            let possible: Vec<String> = a
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .collect();
            let mut notes = Vec::new();
            if !possible.is_empty() && a.get_action().takes_values() {
                notes.push(format!("可选：{}", possible.join("、")));
            }
            if !defaults.is_empty() {
                notes.push(format!("默认：{}", defaults.join("、")));
            }
            let help = if notes.is_empty() {
                help
            } else {
                format!("{help}（{}）", notes.join("；"))
            };
            let a = a.help_heading(heading).help(help);
            if a.get_action().takes_values() {
                // `<POLICY>` in the usage is `<政策文件>` to a Chinese reader
                let names: Vec<clap::builder::Str> = match a.get_value_names() {
                    Some(names) => names
                        .iter()
                        .map(|n| metavariable(n.as_str()).map_or_else(|| n.clone(), Into::into))
                        .collect(),
                    None => metavariable(&a.get_id().as_str().to_uppercase())
                        .map(|zh| vec![zh.into()])
                        .unwrap_or_default(),
                };
                let a = if names.is_empty() { a } else { a.value_names(names) };
                a.hide_default_value(true).hide_possible_values(true)
            } else {
                a
            }
        });
    let subs: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in subs {
        cmd = cmd.mut_subcommand(name, translate);
    }
    cmd
}

fn chinese(english: &str) -> String {
    t!(english).into_owned()
}

/// The Chinese of a placeholder in the usage (`POLICY`).
fn metavariable(name: &str) -> Option<&'static str> {
    const NAMES: &[(&str, &str)] = &[
        ("POLICY", "政策文件"),
        ("OLD", "原政策文件"),
        ("NEW", "新政策文件"),
        ("CASE", "申报"),
        ("CASES", "申报文件"),
        ("FILE", "文件"),
        ("FILES", "文件"),
        ("DIR", "目录"),
        ("DATE", "日期"),
        ("FORMAT", "格式"),
        ("ERROR_FORMAT", "格式"),
        ("ENCODING", "编码"),
        ("LOG_FORMAT", "格式"),
        ("LANG", "语言"),
        ("NAME", "名称"),
        ("VALUE", "值"),
        ("NAME=VALUE", "名称=值"),
        ("SEED", "种子"),
        ("N", "数量"),
        ("ID", "编号"),
        ("OUT", "输出"),
        ("PREVIOUS", "上一版本"),
        ("FIELD", "字段"),
        ("LISTEN", "地址"),
        ("THREADS", "线程数"),
        ("COMMAND", "命令"),
    ];
    NAMES.iter().find(|(en, _)| *en == name).map(|(_, zh)| *zh)
}

/// The help, or the version, as clap renders it; in Chinese, its `[OPTIONS]` too.
pub fn shown(e: &clap::Error) -> String {
    let text = e.render().to_string();
    if crate::lang::is_zh() {
        text.replace("[OPTIONS]", "[选项]").replace("[COMMAND]", "[命令]")
    } else {
        text
    }
}

/// clap's usage errors, said in Chinese when the run is in Chinese; `None`
/// for the help and version "errors" (they print their text) and in English.
pub fn chinese_error(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ErrorKind};
    if !crate::lang::is_zh() || !e.use_stderr() {
        return None;
    }
    let ctx = |k: ContextKind| e.get(k).map(|v| v.to_string()).unwrap_or_default();
    let message = match e.kind() {
        ErrorKind::UnknownArgument => t!("unknown argument `%{arg}`", arg = ctx(ContextKind::InvalidArg)),
        ErrorKind::InvalidSubcommand => t!(
            "unknown command `%{command}`; the commands are check, eval, explain, diff, bounds, sample, fmt and test",
            command = ctx(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::InvalidValue => t!(
            "`%{value}` is not a value of `%{arg}`; the values are %{valid}",
            value = ctx(ContextKind::InvalidValue),
            arg = ctx(ContextKind::InvalidArg),
            valid = ctx(ContextKind::ValidValue)
        ),
        ErrorKind::MissingRequiredArgument => t!(
            "missing: %{args}",
            args = ctx(ContextKind::InvalidArg).replace('\n', ", ")
        ),
        ErrorKind::ArgumentConflict => t!(
            "`%{arg}` cannot be used with `%{other}`",
            arg = ctx(ContextKind::InvalidArg),
            other = ctx(ContextKind::PriorArg)
        ),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            t!("say which command: check, eval, explain, test, diff, fmt, bounds, sample, schema, doc, serve or lsp")
        }
        ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues | ErrorKind::NoEquals => {
            t!(
                "`%{arg}` is not written as it takes its value",
                arg = ctx(ContextKind::InvalidArg)
            )
        }
        ErrorKind::InvalidUtf8 => t!("an argument is not valid UTF-8 text"),
        ErrorKind::ValueValidation => t!(
            "`%{value}` is not a valid value of `%{arg}`: %{reason}",
            value = ctx(ContextKind::InvalidValue),
            arg = ctx(ContextKind::InvalidArg),
            reason = e.source().map(|s| s.to_string()).unwrap_or_default()
        ),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => return None,
        _ => t!("the command line is not understood"),
    };
    Some(format!(
        "{} {message}\n{}",
        t!("error:"),
        t!("`zhice --help` lists the commands, and `zhice COMMAND --help` the arguments of one")
    ))
}

/// Every English text of the help, for the test that each has its Chinese.
pub fn texts(cmd: &Command) -> Vec<String> {
    let mut out: Vec<String> = [cmd.get_about(), cmd.get_after_help()]
        .into_iter()
        .flatten()
        .map(|s| s.to_string())
        .collect();
    out.extend(cmd.get_arguments().filter_map(|a| a.get_help()).map(|h| h.to_string()));
    for s in cmd.get_subcommands() {
        out.extend(texts(s));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_language_flag() {
        let args = |xs: &[&str]| xs.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(lang_flag(&args(&["zhice", "--lang", "zh", "check"])), Some(Lang::Zh));
        assert_eq!(lang_flag(&args(&["zhice", "check", "--lang=en"])), Some(Lang::En));
        assert_eq!(lang_flag(&args(&["zhice", "check", "x"])), None);
    }
}
