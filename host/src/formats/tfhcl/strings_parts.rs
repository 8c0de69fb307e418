//! Strings built from parts (templates, `join`, `format`) where some parts are not known: the
//! known text is kept, with [`HOLE`] for each unknown part, so a boot script with one secret
//! variable still shows its commands. The result is unknown everywhere but in boot text; its
//! reason names why each hole is unknown. Text read from a file keeps the mark of the call
//! that read it.

use std::rc::Rc;

use entitle_sdk::model::{HOLE, Source};

use super::value::{Kind, Partial, Unknown, Val};

/// A string being built from parts.
#[derive(Default)]
pub struct Parts {
    text: String,
    holes: Vec<Unknown>,
    first: Option<Val>,
    read: Option<Rc<str>>,
}

impl Parts {
    /// Bytes of text so far.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// Appends known text.
    pub fn text(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// Appends a value: its text, or a hole for an unknown (its own known text kept when it is
    /// partly known). `Err` with the value when it cannot be part of a string (a list, an error).
    pub fn value(&mut self, v: &Val) -> Result<(), Val> {
        let piece = v.piece().ok_or_else(|| v.clone())?;
        self.text.push_str(&piece);
        if self.read.is_none() {
            self.read.clone_from(&v.read);
        }
        if let Kind::Unknown(u) = &v.kind {
            self.holes.push(u.clone());
            self.first.get_or_insert_with(|| v.clone());
        }
        Ok(())
    }

    /// Appends a hole for a part not evaluated, for `reason`.
    pub fn hole(&mut self, reason: &str, at: Option<Source>) {
        self.value(&Val::unknown(reason, at)).ok();
    }

    /// The string: known when every part is, else unknown keeping its known text, at the
    /// position of its first unknown part (as before parts were kept), built at `at`.
    pub fn finish(self, at: Option<Source>) -> Val {
        let Some(first) = self.first else { return Val { read: self.read, ..Val::str(self.text, at) } };
        let mut reasons: Vec<&str> = Vec::new();
        for h in &self.holes {
            if !reasons.contains(&h.reason.as_str()) {
                reasons.push(&h.reason);
            }
        }
        let mut u = self.holes[0].clone();
        u.reason = reasons.join("; ");
        u.partial = self.text.contains(|c| c != HOLE).then(|| Partial { text: self.text.into(), at: at.clone() });
        Val { kind: Kind::Unknown(u), at: first.at.or(at), via: first.via, read: self.read }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_known_text_around_holes() {
        let mut p = Parts::default();
        p.text("subscription-manager register --org ");
        p.value(&Val::unknown("var.org has no default", None)).unwrap();
        p.text(" && subscription-manager attach --auto");
        let v = p.finish(None);
        let u = v.unknown_reason().unwrap();
        assert_eq!(u.reason, "var.org has no default");
        let text = u.partial.as_ref().unwrap().text.to_string();
        assert_eq!(text, format!("subscription-manager register --org {HOLE} && subscription-manager attach --auto"));
        let mut only = Parts::default();
        only.value(&Val::unknown("x", None)).unwrap();
        assert!(only.finish(None).unknown_reason().unwrap().partial.is_none(), "nothing known: no partial text");
        let mut list = Parts::default();
        assert!(list.value(&Val::new(Kind::list(Vec::new()), None)).is_err());
    }
}
