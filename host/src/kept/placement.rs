//! A compact byte form for where an input's workload values came from, kept until the end
//! of a run: each file path written once and then referred to by number, lengths and lines
//! as variable-length integers. It replaced JSON, which spelt out every source's path and
//! field names and cost more time to write than the rest of keeping an input (decision 146).

use std::collections::{BTreeMap, HashMap};

use entitle_sdk::model::Source;

/// Where the values of one workload, or of one of its alternatives, came from.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Where {
    pub provenance: BTreeMap<String, Source>,
    pub trail: BTreeMap<String, Vec<Source>>,
}

/// Where one workload's values and its alternatives' values came from.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Placement {
    pub own: Where,
    pub alternatives: Vec<Where>,
}

/// Writes `placements`; [`decode`] reads them back.
pub(super) fn encode(placements: &[Placement]) -> Vec<u8> {
    let mut w = Writer { out: Vec::with_capacity(256), paths: HashMap::new(), last: None };
    w.number(placements.len());
    for p in placements {
        w.place(&p.own);
        w.number(p.alternatives.len());
        for alt in &p.alternatives {
            w.place(alt);
        }
    }
    w.out
}

/// Reads what [`encode`] wrote. The bytes never leave the process that wrote them, so a
/// malformed one is a bug here, and panics.
pub(super) fn decode(bytes: &[u8]) -> Vec<Placement> {
    let mut r = Reader { bytes, at: 0, paths: Vec::new() };
    let count = r.number();
    let mut placements = Vec::with_capacity(count);
    for _ in 0..count {
        let own = r.place();
        let alternatives = (0..r.number()).map(|_| r.place()).collect();
        placements.push(Placement { own, alternatives });
    }
    assert_eq!(r.at, bytes.len(), "placement bytes read to their end");
    placements
}

struct Writer<'a> {
    out: Vec<u8>,
    /// Paths written so far, by the index a source names them with.
    paths: HashMap<&'a str, usize>,
    /// The last path written and its index (most sources of an input name one file).
    last: Option<(&'a str, usize)>,
}

impl<'a> Writer<'a> {
    fn number(&mut self, mut n: usize) {
        while n >= 0x80 {
            self.out.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.out.push(n as u8);
    }

    fn text(&mut self, s: &str) {
        self.number(s.len());
        self.out.extend_from_slice(s.as_bytes());
    }

    fn place(&mut self, at: &'a Where) {
        self.number(at.provenance.len());
        for (field, source) in &at.provenance {
            self.text(field);
            self.source(source);
        }
        self.number(at.trail.len());
        for (field, sources) in &at.trail {
            self.text(field);
            self.number(sources.len());
            for source in sources {
                self.source(source);
            }
        }
    }

    /// A path is its index among the paths seen; an index one past the end introduces a new one.
    fn source(&mut self, s: &'a Source) {
        let known = match self.last {
            Some((path, i)) if path == s.path => Some(i),
            _ => self.paths.get(s.path.as_str()).copied(),
        };
        let index = match known {
            Some(i) => {
                self.number(i);
                i
            }
            None => {
                let i = self.paths.len();
                self.number(i);
                self.text(&s.path);
                self.paths.insert(&s.path, i);
                i
            }
        };
        self.last = Some((&s.path, index));
        self.text(&s.pointer);
        self.number(s.line.map_or(0, |n| n as usize + 1));
        self.number(s.column.map_or(0, |n| n as usize + 1));
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    paths: Vec<String>,
}

impl Reader<'_> {
    fn number(&mut self) -> usize {
        let (mut n, mut shift) = (0usize, 0);
        loop {
            let byte = self.bytes[self.at];
            self.at += 1;
            n |= usize::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return n;
            }
            shift += 7;
        }
    }

    fn text(&mut self) -> String {
        let len = self.number();
        let s = std::str::from_utf8(&self.bytes[self.at..self.at + len]).expect("written from a str");
        self.at += len;
        s.to_owned()
    }

    fn optional(&mut self) -> Option<u32> {
        match self.number() {
            0 => None,
            n => Some(u32::try_from(n - 1).expect("written from a u32")),
        }
    }

    fn place(&mut self) -> Where {
        let mut at = Where::default();
        for _ in 0..self.number() {
            let field = self.text();
            at.provenance.insert(field, self.source());
        }
        for _ in 0..self.number() {
            let field = self.text();
            let sources = (0..self.number()).map(|_| self.source()).collect();
            at.trail.insert(field, sources);
        }
        at
    }

    fn source(&mut self) -> Source {
        let index = self.number();
        if index == self.paths.len() {
            let path = self.text();
            self.paths.push(path);
        }
        let path = self.paths[index].clone();
        let pointer = self.text();
        let (line, column) = (self.optional(), self.optional());
        Source { path, pointer, line, column }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(path: &str, pointer: &str, line: Option<u32>, column: Option<u32>) -> Source {
        Source { path: path.into(), pointer: pointer.into(), line, column }
    }

    #[test]
    fn every_source_comes_back_as_it_was() {
        let mut own = Where::default();
        own.provenance.insert("os.version".into(), source("a.json", "/resources/0/x", Some(7), Some(3)));
        own.provenance.insert("image".into(), source("b.json", "", None, None));
        own.trail.insert(
            "os.version".into(),
            vec![source("a.json", "/p/ü", Some(0), Some(u32::MAX)), source("c", "/", Some(200_000), None)],
        );
        own.trail.insert("empty".into(), Vec::new());
        let mut alt = Where::default();
        alt.provenance.insert(String::new(), source("b.json", "/q", None, Some(1)));
        let placements = vec![Placement { own, alternatives: vec![alt, Where::default()] }, Placement::default()];
        let bytes = encode(&placements);
        assert_eq!(decode(&bytes), placements);
        assert!(decode(&encode(&[])).is_empty());
    }

    #[test]
    fn a_path_is_written_once() {
        let long = "x".repeat(300);
        let mut own = Where::default();
        for i in 0..10 {
            own.provenance.insert(format!("f{i}"), source(&long, "/a", Some(i), Some(1)));
        }
        let bytes = encode(&[Placement { own, alternatives: Vec::new() }]);
        assert!(bytes.len() < 300 + 10 * 12, "{} bytes", bytes.len());
    }
}
