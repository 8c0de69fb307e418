//! A partly known string: known text with [`HOLE`] standing for each part that is not
//! known before deployment, and why those parts are not known. Front-ends build one for
//! a boot script (custom data, user data, a command line) so that the registration
//! scanner reads the known words instead of treating the whole script as unknown; only
//! boot text carries holes, never an image, plan or licence field.

use entitle_sdk::model::HOLE;

/// How many distinct reasons the unknown note lists before counting the rest.
const MAX_REASONS: usize = 3;
/// How many distinct reasons are kept (the rest are only counted), which bounds the
/// work of keeping them distinct.
const MAX_KEPT: usize = 16;
/// Longest searched string whose possible matches into a hole are looked for exactly;
/// past it, every known character such a match could reach goes into the hole.
const MAX_EXACT_REACH: usize = 256;
/// What stands in for a literal U+FFFC in known text, so that a hole always means "unknown".
const LITERAL_HOLE: char = '\u{FFFD}';

/// Known text and holes, with the distinct reasons of the holes in order and, for
/// messages, a label per hole (`${OrgId}`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Partial {
    text: String,
    reasons: Vec<String>,
    /// Holes whose reason was not kept (past [`MAX_KEPT`]).
    more: usize,
    labels: Vec<String>,
}

impl Partial {
    /// A wholly known string.
    pub fn known(text: &str) -> Partial {
        let mut p = Partial::default();
        p.push_str(text);
        p
    }

    /// One unknown part.
    pub fn hole(reason: &str) -> Partial {
        let mut p = Partial::default();
        p.push_hole(reason);
        p
    }

    /// Appends known text.
    pub fn push_str(&mut self, text: &str) {
        if text.contains(HOLE) {
            self.text.push_str(&text.replace(HOLE, &LITERAL_HOLE.to_string()));
        } else {
            self.text.push_str(text);
        }
    }

    /// Appends an unknown part.
    pub fn push_hole(&mut self, reason: &str) {
        self.push_labelled("…", reason);
    }

    /// Appends an unknown part shown as `label` in messages.
    pub fn push_labelled(&mut self, label: &str, reason: &str) {
        self.text.push(HOLE);
        self.labels.push(label.to_owned());
        self.keep_reason(reason);
    }

    fn keep_reason(&mut self, reason: &str) {
        if self.reasons.iter().any(|r| r == reason) {
            return;
        }
        if self.reasons.len() < MAX_KEPT {
            self.reasons.push(reason.to_owned());
        } else {
            self.more += 1;
        }
    }

    /// Appends another partly known string.
    pub fn append(&mut self, other: Partial) {
        self.text.push_str(&other.text);
        self.labels.extend(other.labels);
        for r in &other.reasons {
            self.keep_reason(r);
        }
        self.more += other.more;
    }

    /// The parts joined with `delimiter` (known text).
    pub fn join(parts: impl IntoIterator<Item = Partial>, delimiter: &str) -> Partial {
        let mut out = Partial::default();
        for (i, part) in parts.into_iter().enumerate() {
            if i > 0 {
                out.push_str(delimiter);
            }
            out.append(part);
        }
        out
    }

    /// `old` replaced by `new` (itself perhaps partly known) in the known text; `None`
    /// when the result would be longer than `max` bytes. A match could also run into a
    /// hole (`b` + hole + `c` for `bc`), so the known characters next to a hole that such
    /// a match could cover go into the hole: they may not be there at deployment.
    pub fn replace(&self, old: &str, new: &Partial, max: usize) -> Option<Partial> {
        let segments: Vec<&str> = self.text.split(HOLE).collect();
        let last = segments.len().saturating_sub(1);
        let reach = old.len().saturating_sub(1);
        let exact = reach <= MAX_EXACT_REACH;
        let mut known = Vec::with_capacity(segments.len());
        let mut matches = 0usize;
        for (i, seg) in segments.iter().enumerate() {
            let near = reach.min(seg.len());
            let start = match (i > 0, exact) {
                (false, _) => 0,
                (true, true) => {
                    (1..=near).rev().find(|&k| seg.is_char_boundary(k) && old.ends_with(&seg[..k])).unwrap_or(0)
                }
                (true, false) => (near..=seg.len()).find(|&k| seg.is_char_boundary(k)).unwrap_or(seg.len()),
            };
            let end = match (i < last, exact) {
                (false, _) => seg.len(),
                (true, true) => (1..=near)
                    .rev()
                    .map(|k| seg.len() - k)
                    .find(|&at| seg.is_char_boundary(at) && old.starts_with(&seg[at..]))
                    .unwrap_or(seg.len()),
                (true, false) => (0..=seg.len() - near).rev().find(|&k| seg.is_char_boundary(k)).unwrap_or(0),
            };
            let middle = if start < end { &seg[start..end] } else { "" };
            matches = matches.saturating_add(middle.matches(old).count());
            known.push(middle);
        }
        let grown = matches.saturating_mul(new.text.len());
        if self.text.len().saturating_add(grown) > max {
            return None;
        }
        let mut labels = self.labels.iter();
        let mut out = Partial { reasons: self.reasons.clone(), more: self.more, ..Partial::default() };
        for (i, middle) in known.into_iter().enumerate() {
            if i > 0 {
                out.text.push(HOLE);
                out.labels.push(labels.next().map_or_else(|| "…".to_owned(), String::clone));
            }
            for (j, part) in middle.split(old).enumerate() {
                if j > 0 {
                    out.append(new.clone());
                }
                out.text.push_str(part);
            }
        }
        Some(out)
    }

    /// True when no part is unknown.
    pub fn is_known(&self) -> bool {
        self.reasons.is_empty()
    }

    /// True when nothing is known: the string is one hole.
    pub fn is_one_hole(&self) -> bool {
        self.text.len() == HOLE.len_utf8() && self.text.starts_with(HOLE)
    }

    /// The text, holes included.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text with each hole shown as its label, for messages.
    pub fn display(&self) -> String {
        let mut labels = self.labels.iter();
        let mut out = String::with_capacity(self.text.len());
        for c in self.text.chars() {
            match c {
                HOLE => out.push_str(labels.next().map_or("…", String::as_str)),
                c => out.push(c),
            }
        }
        out
    }

    /// The reasons of the holes, distinct, in order.
    pub fn reasons(&self) -> &[String] {
        &self.reasons
    }

    /// Why parts are not known (`partly known: parameter orgId has no value; …`), or
    /// `None` when all is known.
    pub fn unknown(&self) -> Option<String> {
        if self.reasons.is_empty() {
            return None;
        }
        let shown: Vec<&str> = self.reasons.iter().take(MAX_REASONS).map(String::as_str).collect();
        let more = match self.reasons.len().saturating_sub(MAX_REASONS) + self.more {
            0 => String::new(),
            n => format!(" (and {n} more)"),
        };
        Some(format!("partly known: {}{more}", shown.join("; ")))
    }

    /// The boot entry's `text` and `unknown`.
    pub fn into_boot(self) -> (Option<String>, Option<String>) {
        let unknown = self.unknown();
        (Some(self.text), unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_keep_their_reasons_once() {
        let mut p = Partial::known("register --org ");
        p.push_hole("parameter orgId has no value");
        p.push_str(" --activationkey ");
        p.push_hole("parameter key has no value");
        p.append(Partial::hole("parameter orgId has no value"));
        assert_eq!(p.text(), "register --org \u{FFFC} --activationkey \u{FFFC}\u{FFFC}");
        assert_eq!(
            p.unknown().as_deref(),
            Some("partly known: parameter orgId has no value; parameter key has no value")
        );
        assert!(!p.is_known() && !p.is_one_hole());
        assert!(Partial::hole("x").is_one_hole());
        let mut labelled = Partial::known("a ");
        labelled.push_labelled("${OrgId}", "parameter OrgId has no Default");
        labelled.push_hole("why");
        assert_eq!(labelled.display(), "a ${OrgId}…");
    }

    #[test]
    fn a_literal_object_replacement_character_is_not_a_hole() {
        let p = Partial::known("a\u{FFFC}b");
        assert!(p.is_known());
        assert_eq!(p.text(), "a\u{FFFD}b");
    }

    #[test]
    fn replace_touches_only_what_is_surely_known() {
        let mut p = Partial::known("xab");
        p.push_hole("h");
        p.push_str("cd\\nsubscription-manager attach");
        // `bc` could straddle the hole: the `b` before it and the `c` after it are no
        // longer known; the rest is replaced as usual.
        let out = p.replace("\\n", &Partial::known("\n"), 1000).unwrap();
        let out = out.replace("bc", &Partial::known("Z"), 1000).unwrap();
        assert_eq!(out.text(), "xa\u{FFFC}d\nsubscription-manager attach");
        assert_eq!(out.reasons(), ["h"]);
        let mut q = Partial::known("a");
        q.push_hole("h");
        assert_eq!(q.replace("a", &Partial::known("\u{FFFC}"), 1000).unwrap().text(), "\u{FFFD}\u{FFFC}");
        // A replacement that is not known becomes a hole with its reason.
        let template = Partial::known("register --org __ORG__ --auto-attach");
        let out = template.replace("__ORG__", &Partial::hole("parameter orgId has no value"), 1000).unwrap();
        assert_eq!(out.text(), "register --org \u{FFFC} --auto-attach");
        assert_eq!(out.unknown().as_deref(), Some("partly known: parameter orgId has no value"));
        // Bounded: a result past the limit is not built.
        assert!(Partial::known(&"a".repeat(100)).replace("a", &Partial::known("bb"), 150).is_none());
        // A long searched string takes every character it could reach into the hole.
        let long = "x".repeat(300);
        assert_eq!(p.replace(&long, &Partial::known("y"), 1000).unwrap().text(), "\u{FFFC}");
    }

    #[test]
    fn many_reasons_are_counted() {
        let p = Partial::join((0..5).map(|i| Partial::hole(&format!("r{i}"))), " ");
        assert_eq!(p.unknown().as_deref(), Some("partly known: r0; r1; r2 (and 2 more)"));
        let p = Partial::join((0..40).map(|i| Partial::hole(&format!("r{i}"))), " ");
        assert_eq!(p.reasons().len(), MAX_KEPT);
        assert_eq!(p.unknown().as_deref(), Some("partly known: r0; r1; r2 (and 37 more)"));
    }
}
