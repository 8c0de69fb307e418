//! Items found by name without a pass over all of them: a plan's instances by `(module, mode, type, name)`, a
//! module configuration's blocks by `(mode, type, name)`. Each lookup of a workload's template, image source or
//! configuration block was a scan of every item, so a large plan cost the square of its size.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Item indices by the hash of their name, in the items' order. A hash rather than the names, so that the index
/// borrows nothing and needs no key allocated per lookup; [`Named::candidates`] may give an item whose name only
/// shares the hash, so callers compare names.
#[derive(Debug, Default)]
pub struct Named(HashMap<u64, Vec<usize>>);

impl Named {
    /// The index of `names` (item `i`'s name, `None` for an item never found by name).
    pub fn of<'n, const N: usize>(names: impl ExactSizeIterator<Item = Option<[&'n str; N]>>) -> Named {
        let mut index: HashMap<u64, Vec<usize>> = HashMap::with_capacity(names.len());
        for (i, name) in names.enumerate() {
            if let Some(name) = name {
                index.entry(hash(name)).or_default().push(i);
            }
        }
        Named(index)
    }

    /// The items that may be named `name`, in order.
    pub fn candidates<const N: usize>(&self, name: [&str; N]) -> impl Iterator<Item = usize> + '_ {
        self.0.get(&hash(name)).into_iter().flatten().copied()
    }
}

fn hash<const N: usize>(name: [&str; N]) -> u64 {
    let mut hasher = DefaultHasher::new();
    name.hash(&mut hasher);
    hasher.finish()
}
