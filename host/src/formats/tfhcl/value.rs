//! A value of the Terraform language as entitle evaluates it: known data, or unknown with the
//! reason why, each carrying where it was written and the references it travelled through.

use std::collections::BTreeMap;
use std::rc::Rc;

use entitle_sdk::model::{HOLE, Source};

/// An evaluated value.
#[derive(Clone, Debug, PartialEq)]
pub struct Val {
    /// The data.
    pub kind: Kind,
    /// Where the value was written (a literal, a variable default, a tfvars value).
    pub at: Option<Source>,
    /// The references it travelled through before it was used, outermost first.
    pub via: Vec<Source>,
    /// The file function call whose file the text (or part of it) was read from
    /// (`file(".git-credentials")`): such text may reach boot scripts, never a printed field.
    pub read: Option<Rc<str>>,
}

/// The data of a value (tuples and sets are lists; objects are maps).
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
    /// A list, tuple or set (shared: a reference to a large list copies nothing).
    List(Rc<Vec<Val>>),
    /// A map or object (shared, likewise).
    Map(Rc<BTreeMap<String, Val>>),
    /// A resource or data source instance: its arguments; other attributes are computed.
    Resource(String, Rc<BTreeMap<String, Val>>),
    /// Not known before apply, or not knowable here.
    Unknown(Unknown),
}

/// Why a value is unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    /// The reason, for the reader.
    pub reason: String,
    /// The resource or data source whose computed attribute this is (`data.aws_ami.rhel_7`,
    /// `aws_launch_template.web`), when it is one.
    pub from: Option<String>,
    /// Terraform would fail here (a missing key, a wrong type): `try` and `can` skip it.
    pub error: bool,
    /// A string of known text with unknown parts (`reason` says why they are unknown). Only
    /// boot text reads it; elsewhere the value is unknown as a whole.
    pub partial: Option<Partial>,
}

/// The known text of a partly known string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partial {
    /// The text, [`HOLE`] standing for each unknown part.
    pub text: Rc<str>,
    /// Where the string was built (the template), while the value's own position stays that
    /// of its first unknown part.
    pub at: Option<Source>,
}

impl Kind {
    /// A list.
    pub fn list(items: Vec<Val>) -> Kind {
        Kind::List(Rc::new(items))
    }

    /// A map.
    pub fn map(map: BTreeMap<String, Val>) -> Kind {
        Kind::Map(Rc::new(map))
    }
}

impl Val {
    /// A value of `kind` written at `at`.
    pub fn new(kind: Kind, at: Option<Source>) -> Val {
        Val { kind, at, via: Vec::new(), read: None }
    }

    /// An unknown value.
    pub fn unknown(reason: impl Into<String>, at: Option<Source>) -> Val {
        Val::new(Kind::Unknown(Unknown { reason: reason.into(), from: None, error: false, partial: None }), at)
    }

    /// What Terraform would report as an error (`try` skips it), kept as an unknown with its reason.
    pub fn error(reason: impl Into<String>, at: Option<Source>) -> Val {
        Val::new(Kind::Unknown(Unknown { reason: reason.into(), from: None, error: true, partial: None }), at)
    }

    /// True when Terraform would fail evaluating it.
    pub fn is_error(&self) -> bool {
        matches!(&self.kind, Kind::Unknown(u) if u.error)
    }

    /// A string value.
    pub fn str(text: impl Into<String>, at: Option<Source>) -> Val {
        Val::new(Kind::Str(text.into()), at)
    }

    /// The part this value is of a string built from parts: its text (with [`HOLE`]s), or one
    /// hole when it is unknown and not an error; `None` when it cannot be a part (a list, an
    /// error).
    pub fn piece(&self) -> Option<String> {
        match &self.kind {
            Kind::Unknown(u) if u.error => None,
            Kind::Unknown(u) => Some(u.partial.as_ref().map_or_else(|| HOLE.to_string(), |p| p.text.to_string())),
            _ => self.as_text(),
        }
    }

    /// The reason, when unknown.
    pub fn unknown_reason(&self) -> Option<&Unknown> {
        match &self.kind {
            Kind::Unknown(u) => Some(u),
            _ => None,
        }
    }

    /// True when unknown anywhere inside.
    pub fn is_unknown(&self) -> bool {
        matches!(self.kind, Kind::Unknown(_))
    }

    /// The string, when the value is one (numbers and bools convert, as Terraform does).
    pub fn as_text(&self) -> Option<String> {
        match &self.kind {
            Kind::Str(s) => Some(s.clone()),
            Kind::Num(n) => Some(number_text(*n)),
            Kind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The number, when the value is one (numeric strings convert).
    pub fn as_number(&self) -> Option<f64> {
        match &self.kind {
            Kind::Num(n) => Some(*n),
            Kind::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The boolean, when the value is one (`"true"` / `"false"` convert).
    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            Kind::Bool(b) => Some(*b),
            Kind::Str(s) if s == "true" => Some(true),
            Kind::Str(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// Terraform's name for the value's type, for reasons.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "bool",
            Kind::Num(_) => "number",
            Kind::Str(_) => "string",
            Kind::List(_) => "list",
            Kind::Map(_) => "object",
            Kind::Resource(..) => "resource",
            Kind::Unknown(_) => "unknown",
        }
    }

    /// The value as it travelled through `site` (a reference), keeping where it was written.
    /// Only this value records it; its elements and members inherit it when they are taken out
    /// ([`Val::inherit`]), so a reference to a large map costs no walk over it.
    pub fn through(mut self, site: &Source) -> Val {
        if self.via.first() != Some(site) {
            self.via.insert(0, site.clone());
        }
        self
    }

    /// `child` (an element or member of this value) as reached through it: this value's
    /// references come before the child's own.
    pub fn inherit(&self, child: &Val) -> Val {
        let mut c = child.clone();
        if !self.via.is_empty() {
            let mut via = self.via.clone();
            via.append(&mut c.via);
            via.retain(|s| Some(s) != c.at.as_ref());
            via.dedup();
            c.via = via;
        }
        c
    }

    /// The elements of a list, each as reached through it.
    pub fn items(&self) -> Option<Vec<Val>> {
        match &self.kind {
            Kind::List(items) => Some(items.iter().map(|i| self.inherit(i)).collect()),
            _ => None,
        }
    }

    /// The members of a map or resource, each as reached through it.
    pub fn entries(&self) -> Option<Vec<(String, Val)>> {
        match &self.kind {
            Kind::Map(map) | Kind::Resource(_, map) => {
                Some(map.iter().map(|(k, v)| (k.clone(), self.inherit(v))).collect())
            }
            _ => None,
        }
    }

    /// The `(each.key, each.value)` pairs of a `for_each` value: a map's members, or a
    /// set of strings (each its own key); `None` when it is neither or not known.
    pub fn for_each_pairs(&self) -> Option<Vec<(String, Val)>> {
        match &self.kind {
            Kind::Map(_) => self.entries(),
            Kind::List(_) => self.items()?.into_iter().map(|v| v.as_text().map(|k| (k, v))).collect(),
            _ => None,
        }
    }

    /// The member `key` of a map, object or resource; `None` when absent.
    pub fn member(&self, key: &str) -> Option<Val> {
        match &self.kind {
            Kind::Map(map) => map.get(key).map(|v| self.inherit(v)),
            Kind::Resource(address, map) => Some(map.get(key).map(|v| self.inherit(v)).unwrap_or_else(|| {
                let mut v = Val::unknown(format!("{address}.{key} is computed by the provider at apply"), None);
                if let Kind::Unknown(u) = &mut v.kind {
                    u.from = Some(address.clone());
                }
                v.via = self.via.clone();
                v
            })),
            _ => None,
        }
    }

    /// A short text of the value for evidence.
    pub fn show(&self) -> String {
        match &self.kind {
            Kind::Null => "null".into(),
            Kind::Bool(b) => b.to_string(),
            Kind::Num(n) => number_text(*n),
            Kind::Str(s) => format!("{s:?}"),
            Kind::List(items) => format!("[{}]", items.iter().map(Val::show).collect::<Vec<_>>().join(", ")),
            Kind::Map(map) => {
                let parts: Vec<String> = map.iter().map(|(k, v)| format!("{k} = {}", v.show())).collect();
                format!("{{{}}}", parts.join(", "))
            }
            Kind::Resource(address, _) => address.clone(),
            Kind::Unknown(_) => "(unknown)".into(),
        }
    }
}

/// A number as Terraform prints it (integers without a fraction).
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { n.to_string() }
}

/// Values for tests.
#[cfg(test)]
pub mod samples {
    use super::{Kind, Val};

    /// A string.
    pub fn s(text: &str) -> Val {
        Val::str(text, None)
    }

    /// A list.
    pub fn list(items: Vec<Val>) -> Val {
        Val::new(Kind::list(items), None)
    }

    /// The text of a value, or the value shown.
    pub fn text(v: Val) -> String {
        v.as_text().unwrap_or_else(|| format!("<{}>", v.show()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32) -> Source {
        Source { path: "main.tf".into(), pointer: "/x".into(), line: Some(line), column: Some(1) }
    }

    #[test]
    fn travels_through_references_keeping_origin() {
        let inner = Val::str("RedHat", Some(at(3)));
        let map = Val::new(Kind::map(BTreeMap::from([("p".to_owned(), inner)])), Some(at(2)));
        let used = map.through(&at(9)).through(&at(12));
        let p = used.member("p").unwrap();
        assert_eq!(p.at, Some(at(3)));
        assert_eq!(p.via, vec![at(12), at(9)]);
        assert_eq!(number_text(7.0), "7");
        assert_eq!(number_text(7.5), "7.5");
    }

    #[test]
    fn resources_compute_what_is_not_an_argument() {
        let r = Val::new(Kind::Resource("data.aws_ami.a".into(), Default::default()), None);
        let id = r.member("id").unwrap();
        assert_eq!(id.unknown_reason().unwrap().from.as_deref(), Some("data.aws_ami.a"));
        assert!(id.unknown_reason().unwrap().reason.contains("computed"));
    }
}
