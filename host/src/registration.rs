//! Finds Red Hat registration and subscription attach in every workload's boot scripts
//! (custom data, user data, extension command lines, cfn-init commands, startup
//! scripts, linked prep templates), so policies can tell `register` from `attach`.
//!
//! Two kinds of evidence, both taken only from the boot entries of that workload:
//! commands (`subscription-manager register|attach|subscribe`, `rhc connect`, the
//! Satellite `katello-ca-consumer` package) and hand-offs: a pool id, activation key
//! or RHSM account passed to the script that does the work (`export
//! RH_POOLID=${RedhatSubscriptionPoolID}`, a prep template's `rhsmPoolId` parameter),
//! recognised by the variable's or the referenced parameter's name.
//!
//! A partly known script ([`HOLE`] for each unknown part) is read for its known words:
//! a hole in an argument value hides nothing, a hole in a command's own words (the
//! program, or `subscription-manager`'s subcommand) makes that command unknown, never
//! guessed; with no registration found, any hole leaves `registration` unknown.

use entitle_sdk::Workload;
use entitle_sdk::model::{BootConfig, HOLE, Registration};

/// How a hole is shown in a registration's text (reports must not print U+FFFC).
const SHOWN_HOLE: &str = "<unknown>";

/// Where a pointer into the input's own document is (line, column), if it is there.
pub type Locator<'a> = &'a dyn Fn(&str, &str) -> Option<(u32, u32)>;

/// Fills `registration` of every workload from its boot entries (after any earlier
/// evidence, such as a machine's OS settings), without repeating an entry. A value
/// handed over as a linked template's parameter is placed at that parameter when
/// `locate` finds it, else at the boot entry.
pub fn scan(workloads: &mut [Workload], locate: Locator) {
    for w in workloads {
        let mut found = Vec::new();
        for boot in &w.boot {
            if let Some(text) = &boot.text {
                found.extend(scan_text(text, boot).into_iter().map(|r| at_parameter(r, boot, locate)));
            }
        }
        for r in found {
            if !w.registration.contains(&r) {
                w.registration.push(r);
            }
        }
        let unread = w.boot.iter().find(|b| b.text.is_none()).or_else(|| w.boot.iter().find(|b| partly_known(b)));
        if let (true, Some(boot)) = (w.registration.is_empty(), unread) {
            let fallback = if boot.text.is_none() { "its text is not known" } else { "part of its text is not known" };
            let why = boot.unknown.as_deref().unwrap_or(fallback);
            let reason = format!("the {} boot entry might register it: {why}", boot.kind);
            w.unknown.entry("registration".into()).or_insert(reason);
        }
        // `registration.N` locates a finding at the command (policies name that field).
        for (i, r) in w.registration.iter().enumerate() {
            w.provenance.insert(format!("registration.{i}"), r.source.clone());
        }
    }
}

/// True when the entry's text has unknown parts.
fn partly_known(boot: &BootConfig) -> bool {
    boot.text.as_deref().is_some_and(|t| t.contains(HOLE))
}

/// A `name=value` line of a linked template's parameters is placed at `…/name`.
fn at_parameter(mut r: Registration, boot: &BootConfig, locate: Locator) -> Registration {
    let name = r.text.split_once('=').map(|(n, _)| n);
    if let (true, Some(name)) = (boot.kind == "linked_template", name) {
        let pointer = format!("{}/{}", boot.source.pointer, crate::document::escape_token(name));
        if let Some((line, column)) = locate(&boot.source.path, &pointer) {
            (r.source.pointer, r.source.line, r.source.column) = (pointer, Some(line), Some(column));
        }
    }
    r
}

/// The registration evidence in one boot entry's text.
fn scan_text(text: &str, boot: &BootConfig) -> Vec<Registration> {
    let mut out = Vec::new();
    for command in commands(text) {
        let words = words(&command);
        for action in actions(&words) {
            out.push(Registration { action: action.to_owned(), text: redact(&words), source: boot.source.clone() });
        }
    }
    out.dedup();
    out
}

/// Lines split at `;`, `&&`, `||` and `|` (outside no quoting: boot scripts written in
/// templates rarely quote these), trimmed, without comments and blank pieces.
pub(crate) fn commands(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        let mut rest = line;
        while !rest.is_empty() {
            let cut = ["&&", "||", ";", "|"].iter().filter_map(|sep| rest.find(sep).map(|i| (i, sep.len()))).min();
            let (piece, next) = match cut {
                Some((i, len)) => (&rest[..i], &rest[i + len..]),
                None => (rest, ""),
            };
            if !piece.trim().is_empty() {
                out.push(piece.trim().to_owned());
            }
            rest = next;
        }
    }
    out
}

/// Whitespace-separated words with surrounding quotes removed.
pub(crate) fn words(command: &str) -> Vec<String> {
    command.split_whitespace().map(|w| w.trim_matches(|c| c == '"' || c == '\'').to_owned()).collect()
}

/// What a command does: the actions of `subscription-manager`, `rhc`, the Satellite
/// consumer package, or the registration values it hands to another script.
fn actions(words: &[String]) -> Vec<&'static str> {
    let mut found = Vec::new();
    let program = words.iter().position(|w| w.rsplit('/').next() == Some("subscription-manager"));
    if let Some(at) = program {
        let args = &words[at + 1..];
        let has = |flag: &str| args.iter().any(|a| a == flag || a.starts_with(&format!("{flag}=")));
        match args.iter().find(|a| !a.starts_with('-')).map(String::as_str) {
            Some("register") => {
                found.push("register");
                if has("--auto-attach") || has("--autosubscribe") {
                    found.push("auto_attach");
                }
            }
            Some("attach" | "subscribe") => {
                found.push("attach");
                if has("--auto") {
                    found.push("auto_attach");
                }
            }
            _ => {}
        }
        if has("--pool") {
            found.push("pool");
        }
        if has("--activationkey") {
            found.push("activation_key");
        }
        if has("--serverurl") || has("--baseurl") {
            found.push("satellite");
        }
    }
    let rhc = words.iter().position(|w| w.rsplit('/').next() == Some("rhc"));
    if rhc.is_some_and(|at| words.get(at + 1).map(String::as_str) == Some("connect")) {
        found.push("rhc_connect");
        if words.iter().any(|w| w.starts_with("--activation-key")) {
            found.push("activation_key");
        }
    }
    if words.iter().any(|w| w.contains("katello-ca-consumer")) {
        found.push("satellite");
    }
    found.extend(words.iter().filter_map(|w| w.split_once('=')).filter_map(|(name, value)| handed_off(name, value)));
    found.sort_unstable();
    found.dedup();
    found
}

/// A registration value handed to another script: `RH_POOLID=${RedhatSubscriptionPoolID}`
/// or `rhsmPoolId=[parameters('rhsmPoolId')]`. Judged by the variable's name and the
/// parameter names its value refers to; an empty value hands nothing over.
fn handed_off(name: &str, value: &str) -> Option<&'static str> {
    if name.starts_with('-') || value.trim_matches(|c| c == '"' || c == '\'').is_empty() {
        return None;
    }
    let mut names = vec![normalise(name)];
    names.extend(referenced(value).iter().map(|r| normalise(r)));
    let any = |f: &dyn Fn(&str) -> bool| names.iter().any(|n| f(n));
    let red_hat = |n: &str| n.contains("rhsm") || n.contains("redhatsubscription") || n.starts_with("rh");
    if any(&|n| n.contains("poolid") && red_hat(n)) {
        Some("pool")
    } else if any(&|n| n.contains("activationkey") && !n.contains("password") && red_hat(n)) {
        Some("activation_key")
    } else {
        None
    }
}

/// Lowercase letters and digits only (`RH_POOLID` → `rhpoolid`).
fn normalise(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// Parameter names a value refers to: `${Name}` (CloudFormation `Fn::Sub`, shell) and
/// `parameters('name')` (ARM).
fn referenced(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (open, close) in [("${", "}"), ("parameters('", "')")] {
        let mut rest = value;
        while let Some(i) = rest.find(open) {
            rest = &rest[i + open.len()..];
            let end = rest.find(close).unwrap_or(rest.len());
            out.push(rest[..end].to_owned());
            rest = &rest[end..];
        }
    }
    out
}

/// A declared command with its secrets redacted (see [`redact`]).
pub fn redact_text(text: &str) -> String {
    redact(&words(text))
}

/// The command with the values of secret-looking options and variables replaced by
/// `***` (a reference such as `${Password}` is kept: it names, it does not reveal).
fn redact(words: &[String]) -> String {
    let secret = |name: &str| {
        let n = normalise(name);
        ["password", "passwd", "secret", "token", "activationkey", "creds"].iter().any(|s| n.contains(s))
    };
    // A reference or an unknown part names nothing secret; a partly known secret is
    // still a secret.
    let hidden = |value: &str| {
        value.starts_with("${")
            || value.starts_with('[')
            || value.starts_with('<')
            || (!value.is_empty() && value.chars().all(|c| c == HOLE))
    };
    let mut out = Vec::with_capacity(words.len());
    let mut hide_next = false;
    for word in words {
        if hide_next && !hidden(word) {
            out.push("***".to_owned());
        } else if let Some((name, value)) = word.split_once('=').filter(|(n, v)| secret(n) && !hidden(v)) {
            out.push(format!("{name}={}", if value.is_empty() { "" } else { "***" }));
        } else {
            out.push(word.clone());
        }
        hide_next = word.starts_with('-') && !word.contains('=') && secret(word) || word == "-p";
    }
    out.join(" ").replace(HOLE, SHOWN_HOLE)
}

#[cfg(test)]
#[path = "registration_tests.rs"]
mod tests;
