//! Where every node of a parsed value was written, without storing pointer text: a mirror of the value's shape, one
//! 12-byte mark per node, each container's children contiguous, found by walking a pointer's tokens through the value.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::sync::Mutex;

use serde_json::{Map, Value};

use super::Position;

/// A mark with no children (a scalar).
const LEAF: u32 = u32::MAX;

/// One node's position and, for a container, where its children's marks start (in the value's iteration order:
/// array order, or an object's sorted key order).
#[derive(Clone, Copy, Debug)]
struct Mark {
    at: Position,
    first: u32,
}

/// An object with more members than this finds a member's rank through an index ([`Tree::rank`]).
const SCANNED: usize = 16;

/// A key's hash; the same in every run, so that an index's ambiguities are too.
type KeyHash = BuildHasherDefault<DefaultHasher>;

/// The marks of one value; the root's mark is the last.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    marks: Vec<Mark>,
    /// For each large object looked into (by its mark): each member's rank by the hash of its key, or `None` when
    /// two of its keys share a hash. Built on the first lookup: finding a member's rank was a pass over the object's
    /// keys, so locating every member of an object of n members cost n².
    ranks: Mutex<HashMap<usize, HashMap<u64, Option<u32>>>>,
}

impl Clone for Tree {
    /// The marks; the clone builds its own indices.
    fn clone(&self) -> Tree {
        Tree { marks: self.marks.clone(), ranks: Mutex::default() }
    }
}

impl Tree {
    /// The position of the node at exactly `pointer` in `value` (the value this tree was built with).
    pub(crate) fn position(&self, value: &Value, pointer: &str) -> Option<Position> {
        let mut found = None;
        let complete = self.walk(value, pointer, |at, _, _| found = Some(at));
        if complete { found } else { None }
    }

    /// The position of `pointer`, else of its nearest ancestor's.
    pub(crate) fn nearest(&self, value: &Value, pointer: &str) -> Option<Position> {
        let mut found = None;
        self.walk(value, pointer, |at, _, _| found = Some(at));
        found
    }

    /// The value at `pointer` and its marks, as a tree of their own.
    pub(crate) fn subtree(&self, value: &Value, pointer: &str) -> Option<(Value, Tree)> {
        let mut found = None;
        if !self.walk(value, pointer, |_, mark, node| found = Some((mark, node))) {
            return None;
        }
        let (mark, node) = found?;
        let mut builder = Builder::new();
        self.copy(mark, node, &mut builder);
        Some((node.clone(), builder.finish()))
    }

    /// How many nodes of `value` have a mark.
    pub(crate) fn len(&self, value: &Value) -> usize {
        self.marks.len().checked_sub(1).map_or(0, |root| self.count(root, value))
    }

    fn count(&self, mark: usize, value: &Value) -> usize {
        let first = self.marks[mark].first as usize;
        1 + children(value)
            .enumerate()
            .filter(|(i, _)| first + i < self.marks.len())
            .map(|(i, child)| self.count(first + i, child))
            .sum::<usize>()
    }

    fn copy(&self, mark: usize, value: &Value, builder: &mut Builder) {
        let Some(&Mark { at, first }) = self.marks.get(mark) else { return };
        let start = builder.start();
        for (i, child) in children(value).enumerate() {
            self.copy(first as usize + i, child, builder);
        }
        match value {
            Value::Array(_) | Value::Object(_) => builder.close(start, at),
            _ => builder.scalar(at),
        }
    }

    /// Walks `pointer` from the root, calling `visit` with each node's position, mark index and value on the way;
    /// true when the whole pointer was found.
    fn walk<'v>(&self, value: &'v Value, pointer: &str, mut visit: impl FnMut(Position, usize, &'v Value)) -> bool {
        let Some(mut mark) = self.marks.len().checked_sub(1) else { return false };
        let mut node = value;
        visit(self.marks[mark].at, mark, node);
        if pointer.is_empty() {
            return true;
        }
        let Some(rest) = pointer.strip_prefix('/') else { return false };
        for token in rest.split('/') {
            let Some(token) = unescape(token) else { return false };
            let (rank, child) = match node {
                Value::Object(map) => match self.rank(mark, map, &token) {
                    Some(found) => found,
                    None => return false,
                },
                Value::Array(items) => match index(&token).and_then(|i| Some((i, items.get(i)?))) {
                    Some(found) => found,
                    None => return false,
                },
                _ => return false,
            };
            let first = self.marks[mark].first as usize;
            let Some(next) = first.checked_add(rank).filter(|&next| next < self.marks.len()) else { return false };
            if first == LEAF as usize {
                return false;
            }
            (mark, node) = (next, child);
            visit(self.marks[mark].at, mark, node);
        }
        true
    }
}

/// A container's children in iteration order (none for a scalar).
fn children(value: &Value) -> Box<dyn Iterator<Item = &Value> + '_> {
    match value {
        Value::Array(items) => Box::new(items.iter()),
        Value::Object(map) => Box::new(map.values()),
        _ => Box::new(std::iter::empty()),
    }
}

/// A member's place in its object's (sorted) iteration order, and its value.
fn rank<'v>(map: &'v Map<String, Value>, key: &str) -> Option<(usize, &'v Value)> {
    map.iter().enumerate().find(|(_, (name, _))| name.as_str() == key).map(|(i, (_, child))| (i, child))
}

impl Tree {
    /// The rank of member `key` among the members of `map` (the object marked `mark`) in iteration order, and its
    /// value. A small object is scanned; a large one is indexed once, by the hashes of its keys.
    fn rank<'v>(&self, mark: usize, map: &'v Map<String, Value>, key: &str) -> Option<(usize, &'v Value)> {
        let child = map.get(key)?;
        if map.len() <= SCANNED {
            return rank(map, key);
        }
        let found = {
            let mut ranks = self.ranks.lock().unwrap_or_else(|e| e.into_inner());
            let index = ranks.entry(mark).or_insert_with(|| {
                let mut index = HashMap::with_capacity(map.len());
                for (i, name) in map.keys().enumerate() {
                    index.entry(KeyHash::default().hash_one(name)).and_modify(|r| *r = None).or_insert(Some(i as u32));
                }
                index
            });
            // The key is a member, so its hash is in the index; `None`: another key shares it.
            index.get(&KeyHash::default().hash_one(key)).copied().flatten()
        };
        match found {
            Some(i) => Some((i as usize, child)),
            None => rank(map, key),
        }
    }
}

/// An RFC 6901 array index: digits, no leading zero.
fn index(token: &str) -> Option<usize> {
    let canonical = token == "0" || (!token.starts_with('0') && !token.is_empty());
    if canonical && token.bytes().all(|b| b.is_ascii_digit()) { token.parse().ok() } else { None }
}

/// One reference token unescaped (`~1` → `/`, `~0` → `~`); `None` for any other `~`.
fn unescape(token: &str) -> Option<Cow<'_, str>> {
    if !token.contains('~') {
        return Some(Cow::Borrowed(token));
    }
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        match c {
            '~' => match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return None,
            },
            _ => out.push(c),
        }
    }
    Some(Cow::Owned(out))
}

/// Builds a [`Tree`] while a parser builds the value bottom-up: each finished node pushes one pending mark; closing a
/// container moves its children's pending marks, contiguous, into the tree.
pub(crate) struct Builder {
    marks: Vec<Mark>,
    pending: Vec<Mark>,
}

impl Builder {
    pub(crate) fn new() -> Builder {
        Builder { marks: Vec::new(), pending: Vec::new() }
    }

    /// A finished scalar at `at`.
    pub(crate) fn scalar(&mut self, at: Position) {
        self.pending.push(Mark { at, first: LEAF });
    }

    /// Where the children of a container about to be parsed begin; pass it to [`Builder::close`] or
    /// [`Builder::object`].
    pub(crate) fn start(&self) -> usize {
        self.pending.len()
    }

    /// Closes a container at `at` whose children (already in iteration order) were finished since `start`.
    pub(crate) fn close(&mut self, start: usize, at: Position) {
        let first = u32::try_from(self.marks.len()).unwrap_or(LEAF);
        self.marks.extend(self.pending.drain(start..));
        self.pending.push(Mark { at, first });
    }

    /// Closes an object at `at` whose `members`, in source order, were finished since `start`: the last of equal keys
    /// wins, and the marks follow the map's sorted order.
    pub(crate) fn object(&mut self, start: usize, at: Position, members: Vec<(String, Value)>) -> Value {
        let marks = self.pending.drain(start..);
        let mut members: Vec<(String, Value, Mark)> =
            members.into_iter().zip(marks).map(|((key, value), mark)| (key, value, mark)).collect();
        if !members.windows(2).all(|pair| pair[0].0 < pair[1].0) {
            // Stable: equal keys stay in source order, and each later one replaces the one kept before it.
            members.sort_by(|a, b| a.0.cmp(&b.0));
            members.dedup_by(|later, kept| {
                let equal = later.0 == kept.0;
                if equal {
                    std::mem::swap(later, kept);
                }
                equal
            });
        }
        let first = u32::try_from(self.marks.len()).unwrap_or(LEAF);
        self.marks.extend(members.iter().map(|member| member.2));
        self.pending.push(Mark { at, first });
        Value::Object(members.into_iter().map(|(key, value, _)| (key, value)).collect())
    }

    /// The tree, once the root (the last pending mark) is finished.
    pub(crate) fn finish(mut self) -> Tree {
        self.marks.append(&mut self.pending);
        self.marks.shrink_to_fit();
        Tree { marks: self.marks, ranks: Mutex::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, column: u32) -> Position {
        Position { line, column }
    }

    /// `{"b": [true], "a": 1, "b": [null, 2]}` as a parser would build it.
    fn sample() -> (Value, Tree) {
        let mut builder = Builder::new();
        let object = builder.start();
        let array = builder.start();
        builder.scalar(at(1, 8));
        builder.close(array, at(1, 7));
        builder.scalar(at(1, 21));
        let array = builder.start();
        builder.scalar(at(1, 31));
        builder.scalar(at(1, 37));
        builder.close(array, at(1, 30));
        let members = vec![
            ("b".to_owned(), serde_json::json!([true])),
            ("a".to_owned(), serde_json::json!(1)),
            ("b".to_owned(), serde_json::json!([null, 2])),
        ];
        let value = builder.object(object, at(1, 1), members);
        (value, builder.finish())
    }

    #[test]
    fn a_large_object_s_members_are_found_through_its_index_where_the_scan_finds_them() {
        // One member per line, in an order that is not the sorted one, with a nested large object.
        let keys: Vec<String> = (0..300).map(|i| format!("k{}", (i * 7919) % 300)).collect();
        let mut text = String::from("{\n");
        for (n, key) in keys.iter().enumerate() {
            text.push_str(&format!("  \"{key}\": {{\"x\": {n}}},\n"));
        }
        text.push_str("  \"inner\": {\n");
        text.push_str(&(0..40).map(|i| format!("    \"m{i}\": {i}")).collect::<Vec<_>>().join(",\n"));
        text.push_str("\n  }\n}\n");
        let doc = crate::document::parse_json(&text).unwrap();
        let super::super::Positions::Tree(tree) = &doc.positions else { panic!("a JSON document has a tree") };
        for (n, key) in keys.iter().enumerate() {
            let line = n as u32 + 2;
            assert_eq!(tree.position(&doc.value, &format!("/{key}")).map(|p| p.line), Some(line), "{key}");
            assert_eq!(tree.position(&doc.value, &format!("/{key}/x")).map(|p| p.line), Some(line), "{key}/x");
        }
        for i in 0..40 {
            let at = tree.position(&doc.value, &format!("/inner/m{i}")).map(|p| p.line);
            assert_eq!(at, Some(keys.len() as u32 + 3 + i), "m{i}");
        }
        assert_eq!(tree.position(&doc.value, "/k1000"), None);
        assert_eq!(tree.nearest(&doc.value, "/inner/none").map(|p| p.line), Some(keys.len() as u32 + 2));
        let ranks = tree.ranks.lock().unwrap();
        assert_eq!(ranks.len(), 2, "the root and `inner` are indexed, the small objects are scanned");
    }

    #[test]
    fn walks_pointers_through_sorted_deduplicated_members() {
        let (value, tree) = sample();
        assert_eq!(value, serde_json::json!({"a": 1, "b": [null, 2]}));
        assert_eq!(tree.position(&value, ""), Some(at(1, 1)));
        assert_eq!(tree.position(&value, "/a"), Some(at(1, 21)));
        assert_eq!(tree.position(&value, "/b"), Some(at(1, 30)));
        assert_eq!(tree.position(&value, "/b/1"), Some(at(1, 37)));
        assert_eq!(tree.position(&value, "/b/01"), None);
        assert_eq!(tree.position(&value, "/b/2"), None);
        assert_eq!(tree.position(&value, "/a/0"), None);
        assert_eq!(tree.position(&value, "b"), None);
        assert_eq!(tree.nearest(&value, "/b/1/deeper/still"), Some(at(1, 37)));
        assert_eq!(tree.len(&value), 5);
    }

    #[test]
    fn subtree_keeps_positions() {
        let (value, tree) = sample();
        let (sub, subtree) = tree.subtree(&value, "/b").expect("present");
        assert_eq!(sub, serde_json::json!([null, 2]));
        assert_eq!(subtree.position(&sub, ""), Some(at(1, 30)));
        assert_eq!(subtree.position(&sub, "/0"), Some(at(1, 31)));
        assert_eq!(subtree.len(&sub), 3);
        assert!(tree.subtree(&value, "/c").is_none());
    }

    #[test]
    fn tokens_unescape_per_rfc_6901() {
        assert_eq!(unescape("a~1b~0c").as_deref(), Some("a/b~c"));
        assert_eq!(unescape("~01").as_deref(), Some("~1"));
        assert_eq!(unescape("~2"), None);
        assert_eq!(unescape("a~"), None);
        assert_eq!(index("0"), Some(0));
        assert_eq!(index("10"), Some(10));
        for bad in ["", "01", "-1", "+1", "1a"] {
            assert_eq!(index(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_value_that_does_not_match_its_tree_does_not_panic() {
        let (_, tree) = sample();
        let other = serde_json::json!({"a": [[[1]]], "b": [1, 2, 3, 4, 5, 6, 7]});
        assert_eq!(tree.position(&other, "/a/0/0/0"), None);
        for pointer in ["/b/6", "/a/0", "/b/5/x"] {
            let _ = (tree.position(&other, pointer), tree.nearest(&other, pointer), tree.subtree(&other, pointer));
        }
        let _ = tree.len(&other);
        assert!(Tree::default().position(&other, "").is_none());
    }
}
