//! The run-wide pass: once every input is read, an image stream tag named by a container, build,
//! trigger or alias in one file is looked up among the `ImageStream`s of every file of the run, and
//! every Kubernetes workload gets the cluster context of the whole run (and `--platform`).

use std::collections::{BTreeSet, HashMap};

use entitle_sdk::Workload;

use super::StreamLink;
use super::cluster::ClusterSignals;
use crate::classify::classify_stream_tag;
use crate::formats::{CLASSIFIED, Format, ReadOptions};
use crate::input::LoadedInput;

/// How many image stream tags a chain of aliases is followed through. Each pass of `resolve_run` resolves one more
/// tag of a chain, and each tag copies what the tags after it say, so a chain of n tags cost n² time and memory (a
/// generated chain of 2,000 tags: 24 s and 4.9 GB); a real chain is a few tags long.
const MAX_HOPS: usize = 32;

/// Resolves image stream links across `loaded` and sets every Kubernetes workload's cluster.
pub fn resolve_run(loaded: &mut [LoadedInput], catalog: &entitle_sdk::Catalog, read: &ReadOptions) {
    let kube = |l: &LoadedInput| l.format == Some(Format::Kubernetes) && l.read_with.is_none();
    let mut done: BTreeSet<(usize, String)> = BTreeSet::new();
    let pending = |loaded: &[LoadedInput], done: &BTreeSet<(usize, String)>| {
        loaded
            .iter()
            .enumerate()
            .flat_map(|(i, l)| l.k8s.links.iter().map(move |link| (i, link.clone())))
            .filter(|(i, link)| !done.contains(&(*i, link.workload.clone())))
            .collect::<Vec<_>>()
    };
    let tags = tag_index(loaded);
    // Each input's workloads by id (the first of an id, as a search from the start found it).
    let mut by_id: HashMap<(usize, String), usize> = HashMap::new();
    for (j, l) in loaded.iter().enumerate() {
        for (k, w) in l.workloads.iter().enumerate() {
            by_id.entry((j, w.id.clone())).or_insert(k);
        }
    }
    for hop in 0.. {
        let mut progress = false;
        let waiting = pending(loaded, &done);
        if hop == MAX_HOPS {
            for (i, link) in waiting.iter().filter(|(i, link)| target(&tags, *i, link).is_some()) {
                if let Some(&k) = by_id.get(&(*i, link.workload.clone())) {
                    too_deep(&mut loaded[*i].workloads[k], link);
                }
            }
            break;
        }
        let blocked: BTreeSet<(usize, &str)> = waiting.iter().map(|(k, l)| (*k, l.workload.as_str())).collect();
        for (i, link) in &waiting {
            let Some((j, id)) = target(&tags, *i, link) else { continue };
            if blocked.contains(&(j, id.as_str())) {
                continue; // the target waits on a link of its own
            }
            let Some(&found) = by_id.get(&(j, id)) else { continue };
            let found = loaded[j].workloads[found].clone();
            let path = loaded[j].path.clone();
            if let Some(&k) = by_id.get(&(*i, link.workload.clone())) {
                adopt(&mut loaded[*i].workloads[k], &found, link, &path, catalog);
            }
            done.insert((*i, link.workload.clone()));
            progress = true;
        }
        if !progress {
            break;
        }
    }
    let mut signals = ClusterSignals::default();
    loaded.iter().filter(|l| kube(l)).for_each(|l| signals.merge(&l.k8s.cluster));
    for input in loaded.iter_mut().filter(|l| kube(l)) {
        input.workloads.iter_mut().for_each(|w| signals.apply(w, read.platform.as_deref()));
    }
}

/// (stream, tag) → the inputs, namespaces and workload ids declaring it, in input order.
type TagIndex = HashMap<(String, String), Vec<(usize, Option<String>, String)>>;

fn tag_index(loaded: &[LoadedInput]) -> TagIndex {
    let mut index = TagIndex::new();
    for (j, l) in loaded.iter().enumerate() {
        for (ns, stream, tag, id) in &l.k8s.tags {
            index.entry((stream.clone(), tag.clone())).or_default().push((j, ns.clone(), id.clone()));
        }
    }
    index
}

/// The input and workload id of the image stream tag a link names.
fn target(tags: &TagIndex, from: usize, link: &StreamLink) -> Option<(usize, String)> {
    let declared = tags.get(&(link.stream.clone(), link.tag.clone()))?;
    declared
        .iter()
        .find(|(j, ns, id)| {
            (*j, id) != (from, &link.workload) && (ns.is_none() || link.namespace.is_none() || *ns == link.namespace)
        })
        .map(|(j, _, id)| (*j, id.clone()))
}

/// Says that `w`'s image stream tag was not followed: it is further than [`MAX_HOPS`] tags down a chain of aliases.
fn too_deep(w: &mut Workload, link: &StreamLink) {
    let why = format!(
        "image stream tag {}:{} is more than {MAX_HOPS} tags down a chain of aliases, and entitle follows at most {MAX_HOPS}: its image is not known",
        link.stream, link.tag
    );
    w.evidence.push(why.clone());
    w.unknown.insert("image".into(), why);
}

/// Takes over the image and what it says from the image stream tag `found` (declared in `path`).
fn adopt(w: &mut Workload, found: &Workload, link: &StreamLink, path: &str, catalog: &entitle_sdk::Catalog) {
    let guessed = classify_stream_tag(&link.tag, catalog).evidence;
    w.evidence
        .retain(|e| !guessed.contains(e) && !e.starts_with(&format!("image stream {} is not among", link.stream)));
    let shown = found.image.reference.clone().unwrap_or_else(|| "an image of unknown identity".into());
    w.evidence
        .push(format!("image stream tag {}:{} is declared in {path} ({}): {shown}", link.stream, link.tag, found.id));
    w.evidence.extend(found.evidence.iter().filter(|e| !w.evidence.contains(e)).cloned().collect::<Vec<_>>());
    (w.image, w.os, w.billing, w.addons) =
        (found.image.clone(), found.os.clone(), found.billing.clone(), found.addons.clone());
    let fields = CLASSIFIED.iter().copied().chain(["image"]);
    for field in fields {
        w.unknown.remove(field);
        if let Some(reason) = found.unknown.get(field) {
            w.unknown.insert(field.to_owned(), reason.clone());
        }
        if let Some(at) = found.provenance.get(field) {
            w.provenance.insert(field.to_owned(), at.clone());
            let mut trail = vec![link.at.clone()];
            trail.extend(found.trail.get(field).cloned().unwrap_or_default());
            w.trail.insert(field.to_owned(), trail);
        }
    }
}
