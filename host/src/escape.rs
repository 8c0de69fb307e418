//! One escaping of text that came from an input, a file name or a policy before any output
//! prints it, so such text can never forge output: a newline starting a fake summary or a
//! GitHub `::error` command, an ESC sequence, a right-to-left override that reorders what
//! a reviewer reads, or an Azure Pipelines logging command (`##vso[…]`), which the agent
//! obeys *anywhere* in a line of stdout or stderr. Every writer and diagnostic uses it.

use std::borrow::Cow;
use std::fmt::Write as _;

/// The prefix the Azure Pipelines agent looks for anywhere in a line (case-sensitive).
const AZURE_COMMAND: &str = "##vso[";

/// Text for a line of human output, a diagnostic or a guest log: control characters
/// (C0, DEL, C1), line and paragraph separators and bidirectional controls become visible
/// escapes (`\n`, `\u{1b}`, `\u{202e}`), and `##vso[` becomes `\u{23}#vso[`.
pub fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(hidden) && !s.contains(AZURE_COMMAND) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if hidden(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(azure_commands(&out, "\\u{23}"))
}

/// A GitHub workflow command's message: GitHub's data escaping (`%`, CR, LF, which the
/// runner turns back into line breaks inside the annotation), then [`text`] for the rest.
pub fn github_data(s: &str) -> String {
    text(&s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")).into_owned()
}

/// A GitHub workflow command's property value: as data, and `:` and `,` too.
pub fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A whole JSON document (JSON, SARIF, GitLab reports): `##vso[` can only be inside a
/// string there, where `\u0023` is the same character, so every parser reads the same
/// value while the printed line no longer holds the agent's prefix.
pub fn json_document(document: String) -> String {
    if document.contains(AZURE_COMMAND) { azure_commands(&document, "\\u0023") } else { document }
}

/// A whole XML document (JUnit): as [`json_document`], with a character reference.
pub fn xml_document(document: String) -> String {
    if document.contains(AZURE_COMMAND) { azure_commands(&document, "&#x23;") } else { document }
}

/// Characters that must not reach a terminal or a log as themselves.
pub(crate) fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' // line and paragraph separators
                | '\u{061c}' | '\u{200e}' | '\u{200f}' // bidi marks
                | '\u{202a}'..='\u{202e}' // bidi embeddings and overrides
                | '\u{2066}'..='\u{2069}' // bidi isolates
                | '\u{feff}' // zero-width no-break space (byte-order mark)
        )
}

/// Replaces the first `#` of every `##vso[` with `hash`.
fn azure_commands(s: &str, hash: &str) -> String {
    s.replace(AZURE_COMMAND, &format!("{hash}#vso["))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_separators_and_bidi_become_visible() {
        assert_eq!(text("a\nb\r\tc\u{1b}[31m\0"), "a\\nb\\r\\tc\\u{1b}[31m\\u{0}");
        assert_eq!(text("x\u{202e}y\u{2028}\u{85}"), "x\\u{202e}y\\u{2028}\\u{85}");
        assert!(matches!(text("plain ← text é"), Cow::Borrowed(_)));
    }

    #[test]
    fn azure_commands_are_broken_everywhere() {
        let forged = "vm ##vso[task.complete result=Succeeded;]done";
        assert_eq!(text(forged), "vm \\u{23}#vso[task.complete result=Succeeded;]done");
        let json = json_document(serde_json::to_string(&forged).unwrap());
        assert!(!json.contains("##vso["));
        assert_eq!(serde_json::from_str::<String>(&json).unwrap(), forged);
        assert_eq!(xml_document("<a>##vso[x]</a>".into()), "<a>&#x23;#vso[x]</a>");
    }

    #[test]
    fn github_data_and_properties_follow_the_runner_rules() {
        assert_eq!(github_data("50% a\nb\u{1b}"), "50%25 a%0Ab\\u{1b}");
        assert_eq!(github_property("a:b,c%"), "a%3Ab%2Cc%25");
        assert!(!github_data("::error::x").starts_with('\n'));
    }
}
