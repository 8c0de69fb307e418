//! Partly known strings through the string functions: `concat`, `format`, `replace`,
//! `string`, `base64` and `base64ToString` keep the known text of an argument that is
//! not known, with a hole for each unknown part, so that a boot script built around a
//! secure parameter is still read. Every other function, and any argument that is not
//! a string, gives a plain unknown as before.

use super::Args;
use super::support::{MAX_STRING, deep_unknown, scalar_text};
use crate::formats::arm::value::{Kind, Val};
use crate::formats::partial::Partial;

/// Most `base64()` layers kept around a partly known string.
const MAX_LAYERS: u8 = 4;

/// The result of `lower` (an eager function) when an argument is unknown, if a partly
/// known string can be built; `None` leaves the call unknown.
pub(super) fn call(lower: &str, args: &Args<'_>) -> Option<Val> {
    let vals = &args.vals;
    match (lower, vals.as_slice()) {
        ("concat", _) => concat(vals),
        ("replace", [text, old, new]) => replace(text, old, new),
        ("string", [v]) => v.partial_str().filter(|p| p.base64 == 0).map(|_| plain(v)),
        ("base64", [v]) => {
            let p = v.partial_str().filter(|p| p.base64 < MAX_LAYERS)?;
            Some(Val::partial(p.text.clone(), p.base64 + 1))
        }
        ("base64tostring", [v]) => {
            let p = v.partial_str().filter(|p| p.base64 > 0)?;
            Some(Val::partial(p.text.clone(), p.base64 - 1))
        }
        _ => None,
    }
}

/// The same unknown string without its origin.
fn plain(v: &Val) -> Val {
    Val { origin: None, ..v.clone() }
}

/// What an argument contributes to a string: its text, or a hole with its reason
/// (the known text of a partly known string).
pub(super) fn piece(v: &Val) -> Partial {
    match v.partial_str() {
        Some(p) if p.base64 == 0 => p.text.clone(),
        _ => match scalar_text(v) {
            Some(text) => Partial::known(&text),
            None => Partial::hole(deep_unknown(v).map_or("a value is not known", |r| &**r)),
        },
    }
}

/// `concat` of strings when some are unknown; arrays (or nothing known to be a string)
/// stay unknown.
fn concat(vals: &[Val]) -> Option<Val> {
    let known: Vec<&Val> = vals.iter().filter(|v| !v.is_unknown() && !matches!(v.kind, Kind::Null)).collect();
    let strings = known.iter().all(|v| scalar_text(v).is_some());
    if !strings || (known.is_empty() && vals.iter().all(|v| v.partial_str().is_none())) {
        return None;
    }
    let text = Partial::join(vals.iter().map(piece), "");
    (text.text().len() <= MAX_STRING).then(|| Val::partial(text, 0))
}

/// `replace` in a known or partly known string, by a known or unknown string (a
/// placeholder filled with a secure parameter); the searched string must be known.
fn replace(text: &Val, old: &Val, new: &Val) -> Option<Val> {
    let Kind::Str(old) = &old.kind else { return None };
    let text = match (&text.kind, text.partial_str()) {
        (Kind::Str(s), _) => Partial::known(s),
        (_, Some(p)) if p.base64 == 0 => p.text.clone(),
        _ => return None,
    };
    if old.is_empty() || !matches!(new.kind, Kind::Str(_) | Kind::Unknown(_)) {
        return None;
    }
    text.replace(old, &piece(new), MAX_STRING).map(|out| Val::partial(out, 0))
}

/// Builds a string that may become partly known (`format`).
#[derive(Default)]
pub(super) struct Builder {
    text: String,
    partial: Option<Partial>,
}

impl Builder {
    /// Appends known text.
    pub(super) fn push_str(&mut self, s: &str) {
        match &mut self.partial {
            Some(p) => p.push_str(s),
            None => self.text.push_str(s),
        }
    }

    /// Appends a known character.
    pub(super) fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }

    /// Appends what is known of an unknown value.
    pub(super) fn push_unknown(&mut self, v: &Val) {
        let text = std::mem::take(&mut self.text);
        self.partial.get_or_insert_with(|| Partial::known(&text)).append(piece(v));
    }

    /// The length so far, in bytes.
    pub(super) fn len(&self) -> usize {
        self.partial.as_ref().map_or(self.text.len(), |p| p.text().len())
    }

    /// The string, partly known when an unknown value was appended.
    pub(super) fn finish(self) -> Val {
        match self.partial {
            Some(p) => Val::partial(p, 0),
            None => Val::str(self.text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{reason, run};

    /// The known text (holes as `?`) and base64 layers of a partly known result.
    fn partly(text: &str) -> Option<(String, u8)> {
        let v = run(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert!(v.is_unknown() && v.as_str().is_none(), "{text}: a partly known string is never known: {v:?}");
        v.partial_str().map(|p| (p.text.text().replace('\u{FFFC}', "?"), p.base64))
    }

    #[test]
    fn string_functions_keep_known_text() {
        let script = "[concat('register --org ', parameters('unk'), ' --activationkey ', parameters('unk'))]";
        assert_eq!(partly(script), Some(("register --org ? --activationkey ?".into(), 0)));
        assert_eq!(reason(script), "u is unknown");
        assert_eq!(
            partly("[format('--org {0} --key {1}{2}', parameters('unk'), 'k', 3)]"),
            Some(("--org ? --key k3".into(), 0))
        );
        assert_eq!(partly("[replace(concat('a-', parameters('unk'), '-b'), '-', ' ')]"), Some(("a ? b".into(), 0)));
        assert_eq!(partly("[replace('--org ORG --key', 'ORG', parameters('unk'))]"), Some(("--org ? --key".into(), 0)));
        assert_eq!(partly("[string(concat('a', parameters('unk')))]"), Some(("a?".into(), 0)));
        assert_eq!(partly("[concat('x ', concat('a', parameters('unk')))]"), Some(("x a?".into(), 0)));
        assert_eq!(partly("[if(parameters('flag'), concat('a', parameters('unk')), 'b')]"), Some(("a?".into(), 0)));
    }

    #[test]
    fn base64_layers_round_trip() {
        assert_eq!(partly("[base64(concat('a ', parameters('unk')))]"), Some(("a ?".into(), 1)));
        assert_eq!(partly("[base64ToString(base64(concat('a ', parameters('unk'))))]"), Some(("a ?".into(), 0)));
        // The base64 text of a partly known string is not itself partly known text.
        assert_eq!(partly("[concat('x', base64(concat('a ', parameters('unk'))))]"), Some(("x?".into(), 0)));
        assert_eq!(partly("[base64ToString(concat('a', parameters('unk')))]"), None);
    }

    #[test]
    fn what_is_not_a_string_stays_wholly_unknown() {
        assert_eq!(partly("[concat(parameters('arr'), parameters('unk'))]"), None);
        assert_eq!(partly("[concat(parameters('unk'), parameters('unk'))]"), None);
        assert_eq!(partly("[parameters('unk')]"), None);
        assert_eq!(partly("[toLower(concat('A', parameters('unk')))]"), None);
        assert_eq!(partly("[format('{0,5}', parameters('unk'))]"), None);
        assert_eq!(partly("[if(parameters('unk'), concat('a', parameters('unk')), 'b')]"), None);
        assert_eq!(partly("[replace(concat('a', parameters('unk')), parameters('unk'), 'b')]"), None);
        assert_eq!(partly("[replace(concat('a', parameters('unk')), 'a', parameters('arr'))]"), None);
    }
}
