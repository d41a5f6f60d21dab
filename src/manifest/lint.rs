//! Content checks on script text: likely secrets (errors) and common LCC authoring mistakes
//! (warnings).
//!
//! Known limitation: these are line-based heuristics, not a shell parser. A long install
//! inside a function or a `( ... ) &` group that is backgrounded as a whole is still warned
//! about; `--strict` users can background each command or use `nohup` on the line.

use super::diagnostic::{Severity, Sink};
use super::script::{Origin, report};

/// What a likely secret looks like, for the message (the secret itself is never repeated).
pub(crate) fn secret_kind(text: &str) -> Option<&'static str> {
    if has_access_key_id(text) {
        return Some("an AWS access key id");
    }
    if text.contains("-----BEGIN") && text.contains("PRIVATE KEY-----") {
        return Some("a private key");
    }
    let lower = text.to_lowercase();
    let names_secret = lower.contains("secret_access_key") || lower.contains("secretaccesskey");
    if names_secret && has_token_of_len(text, 40) {
        return Some("an AWS secret access key");
    }
    None
}

/// `AKIA`/`ASIA` followed by 16 uppercase letters or digits, as a whole word.
fn has_access_key_id(text: &str) -> bool {
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric();
    (0..bytes.len().saturating_sub(19)).any(|i| {
        let prefix = &bytes[i..i + 4];
        let body = &bytes[i + 4..i + 20];
        (prefix == b"AKIA" || prefix == b"ASIA")
            && body
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            && (i == 0 || !word(bytes[i - 1]))
            && bytes.get(i + 20).is_none_or(|&b| !word(b))
    })
}

/// A run of exactly `len` base64-ish characters (`A-Za-z0-9/+`).
fn has_token_of_len(text: &str, len: usize) -> bool {
    let token = |c: char| c.is_ascii_alphanumeric() || c == '/' || c == '+';
    text.split(|c: char| !token(c)).any(|t| t.len() == len)
}

/// Reports every line that looks like it holds a secret.
pub(crate) fn check_secrets(text: &str, origin: &Origin, sink: &mut Sink, path: &str) {
    for (i, line) in text.lines().enumerate() {
        if let Some(kind) = secret_kind(line) {
            let message = format!("script line {} looks like it contains {kind}", i + 1);
            report(
                sink,
                origin,
                Severity::Error,
                i as u64 + 1,
                path,
                message,
                Some(secret_hint()),
            );
        }
    }
}

/// How to avoid secrets in scripts.
pub(crate) fn secret_hint() -> String {
    "lifecycle configurations are readable by anyone who can describe them; fetch secrets at \
     start-up from AWS Secrets Manager or SSM Parameter Store using the execution role"
        .to_owned()
}

/// A comment that marks a slow command as deliberately in the foreground.
pub(crate) const ALLOW_FOREGROUND: &str = "studio-lcc: allow-foreground";

/// Commands that commonly take minutes.
const SLOW_COMMANDS: &[&str] = &[
    "pip install",
    "pip3 install",
    "conda install",
    "conda create",
    "conda env create",
    "conda env update",
    "mamba install",
    "micromamba install",
    "apt-get install",
    "apt install",
    "yum install",
    "npm install",
    "jupyter labextension install",
];

/// Reports likely mistakes: no `#!` line, no `set -e`, slow installs in the foreground.
pub(crate) fn check_pitfalls(text: &str, origin: &Origin, sink: &mut Sink, path: &str) {
    let warn = |sink: &mut Sink, line: u64, message: String, hint: &str| {
        report(
            sink,
            origin,
            Severity::Warning,
            line,
            path,
            message,
            Some(hint.to_owned()),
        );
    };
    if !text.starts_with("#!") {
        let hint = "start the script with `#!/bin/bash`";
        warn(sink, 1, "script has no `#!` line".to_owned(), hint);
    }
    if !stops_on_error(text) {
        let hint = "add `set -eux` after the `#!` line so a failing command fails the start-up \
                    visibly instead of leaving a half-configured app";
        warn(
            sink,
            1,
            "script does not stop on errors (no `set -e`)".to_owned(),
            hint,
        );
    }
    let slow = foreground_slow_lines(text);
    if let Some((line, command)) = slow.first() {
        let more = match slow.len() {
            1 => String::new(),
            n => format!(" (and {} more line(s))", n - 1),
        };
        let message = format!(
            "`{command}` runs in the foreground; start-up fails when the script runs longer than \
             5 minutes{more}"
        );
        let hint = "run long work in the background (`nohup <command> > /tmp/install.log 2>&1 &`), \
                    or end the line with `# studio-lcc: allow-foreground` when it is quick";
        warn(sink, *line, message, hint);
    }
}

/// Whether the script sets `errexit` (`set -e`, `set -eux`, `set -o errexit`, `#!... -e`).
fn stops_on_error(text: &str) -> bool {
    let shebang_e = text
        .lines()
        .next()
        .is_some_and(|l| l.starts_with("#!") && has_e_flag(l));
    shebang_e
        || text.lines().map(str::trim).any(|l| {
            l.strip_prefix("set ")
                .is_some_and(|rest| has_e_flag(rest) || rest.contains("errexit"))
        })
}

/// A `-xyz` word containing `e`.
fn has_e_flag(text: &str) -> bool {
    text.split_whitespace().any(|w| {
        w.strip_prefix('-').is_some_and(|f| {
            !f.starts_with('-') && f.contains('e') && f.chars().all(|c| c.is_ascii_alphabetic())
        })
    })
}

/// Lines (1-based) running a slow command neither with `nohup` nor with a trailing `&`,
/// following `\` continuations and heredocs opened by a backgrounded line.
fn foreground_slow_lines(text: &str) -> Vec<(u64, &'static str)> {
    let mut found = Vec::new();
    let mut heredoc: Option<(String, bool)> = None;
    let mut pending: Option<(u64, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        if let Some((end, _)) = &heredoc
            && raw.trim() == end
        {
            heredoc = None;
            continue;
        }
        let (start, mut logical) = pending.take().unwrap_or((i as u64 + 1, String::new()));
        logical.push_str(raw.trim_end_matches('\\'));
        if raw.ends_with('\\') {
            pending = Some((start, logical));
            continue;
        }
        if logical.contains(ALLOW_FOREGROUND) {
            continue;
        }
        let code = strip_comment(&logical);
        let backgrounded = is_backgrounded(code) || heredoc.as_ref().is_some_and(|(_, bg)| *bg);
        if heredoc.is_none()
            && let Some(end) = heredoc_end(code)
        {
            heredoc = Some((end, is_backgrounded(code)));
        }
        if let Some(command) = SLOW_COMMANDS.iter().find(|c| code.contains(*c))
            && !backgrounded
        {
            found.push((start, *command));
        }
    }
    found
}

/// The line without a trailing `# comment` (a `#` at the start or after a space).
fn strip_comment(line: &str) -> &str {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') {
        return "";
    }
    match line.find(" #") {
        Some(at) => &line[..at],
        None => line,
    }
}

fn is_backgrounded(code: &str) -> bool {
    let trimmed = code.trim_end();
    code.contains("nohup") || (trimmed.ends_with('&') && !trimmed.ends_with("&&"))
}

/// The terminator of a heredoc opened on this line (`<<EOF`, `<<-'EOF'`, `<< "EOF"`).
fn heredoc_end(code: &str) -> Option<String> {
    let at = code.find("<<")?;
    let rest = code[at + 2..].trim_start_matches('-').trim_start();
    if rest.starts_with('<') {
        return None; // a here-string `<<<`
    }
    let word: String = rest
        .chars()
        .filter(|c| *c != '\'' && *c != '"')
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!word.is_empty()).then_some(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_keys_and_private_keys_are_found() {
        assert_eq!(
            secret_kind("export K=AKIAABCDEFGHIJKLMNOP"),
            Some("an AWS access key id")
        );
        assert_eq!(
            secret_kind("-----BEGIN RSA PRIVATE KEY-----"),
            Some("a private key")
        );
        let secret = format!("aws_secret_access_key = {}", "a".repeat(40));
        assert_eq!(secret_kind(&secret), Some("an AWS secret access key"));
        assert_eq!(secret_kind("echo AKIA is a prefix"), None);
    }

    #[test]
    fn set_e_is_recognised_in_its_usual_spellings() {
        assert!(stops_on_error("#!/bin/bash\nset -eux\n"));
        assert!(stops_on_error("#!/bin/bash\nset -euxo pipefail\n"));
        assert!(stops_on_error("#!/bin/bash -e\n"));
        assert!(stops_on_error("set -o errexit\n"));
        assert!(!stops_on_error("#!/bin/bash\nset -x\n"));
    }

    #[test]
    fn backgrounded_installs_are_not_reported() {
        let text = "nohup pip install x &\npip install y &\npip install z\n";
        assert_eq!(foreground_slow_lines(text), vec![(3, "pip install")]);
    }

    #[test]
    fn heredocs_opened_in_the_background_count_as_background() {
        let text =
            "nohup sudo -u sagemaker-user bash <<'EOF' &\npip install x\nEOF\npip install y\n";
        assert_eq!(foreground_slow_lines(text), vec![(4, "pip install")]);
    }

    #[test]
    fn continuations_report_the_first_line() {
        let text = "pip install \\\n  pandas\n";
        assert_eq!(foreground_slow_lines(text), vec![(1, "pip install")]);
    }
}
