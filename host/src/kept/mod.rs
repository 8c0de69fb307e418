//! What a streaming run keeps of one input once its own policies have run: its findings,
//! errors and logs, the report's line about it, and — packed small — what only the end of
//! the run may still need: its workloads (for the run-scoped policies), with each one's
//! provenance and trail (to place their findings), and the file's text (to quote the lines
//! findings cite). A packed input costs a few KB instead of the tens of KB its model and
//! text take, in a few allocations rather than hundreds of small ones scattered among the
//! pages the next inputs' parsing frees, so a run's memory grows with its findings, not
//! with its corpus.

mod placement;

use std::sync::Arc;

use crate::input::LoadedInput;
use crate::source_text::SourceText;
use placement::{Placement, Where};

/// A text this large is kept as it is: packing it would cost more time than its memory is
/// worth (one large file is not the many-inputs case streaming is for).
const PACK_UP_TO: usize = 1 << 20;

/// Everything policies produced for one input.
#[derive(Default)]
pub(crate) struct InputOutcome {
    pub findings: Vec<crate::report::Finding>,
    pub errors: Vec<crate::Error>,
    pub logs: Vec<crate::guest_log::GuestLog>,
}

/// One input after its own policies ran.
pub(crate) struct Kept {
    /// The input without its text, and its workloads without provenance and trail when
    /// those are packed (without properties unless a run-scoped policy reads them).
    pub input: LoadedInput,
    /// What its policies produced.
    pub outcome: InputOutcome,
    /// Its texts, by the path reports name them with.
    pub texts: Vec<(String, Text)>,
    /// Each workload's provenance and trail, packed (`None`: left in `input`).
    placement: Option<Vec<u8>>,
    /// How many workloads, and the rest of them as compressed JSON (`None`: left in `input`).
    workloads: Option<(usize, Vec<u8>)>,
}

/// A file's text, packed or as it was read.
pub(crate) enum Text {
    Packed(Vec<u8>),
    Whole(Arc<SourceText>),
}

impl Kept {
    /// Keeps `input` and its outcome; `properties`: a run-scoped policy reads them.
    pub fn new(mut input: LoadedInput, outcome: InputOutcome, properties: bool) -> Kept {
        let large = input.sources.iter().any(|s| s.text().len() > PACK_UP_TO);
        let texts = std::mem::take(&mut input.sources)
            .into_iter()
            .map(|s| {
                let text = match large {
                    true => Text::Whole(s.clone()),
                    false => Text::Packed(lz4_flex::compress_prepend_size(s.text().as_bytes())),
                };
                (s.path.clone(), text)
            })
            .collect();
        input.k8s = Default::default();
        for w in &mut input.workloads {
            if !properties {
                w.properties = serde_json::Value::Null;
            }
        }
        let placement = (!large && !input.workloads.is_empty()).then(|| pack(&mut input));
        let workloads = placement.is_some().then(|| {
            let json = serde_json::to_vec(&input.workloads).expect("a model serialises");
            (std::mem::take(&mut input.workloads).len(), lz4_flex::compress_prepend_size(&json))
        });
        Kept { input, outcome, texts, placement, workloads }
    }

    /// How many workloads the input has.
    pub fn workload_count(&self) -> usize {
        self.workloads.as_ref().map_or(self.input.workloads.len(), |(n, _)| *n)
    }

    /// Drops what the input's own reading produced (it is modelled through `reader`).
    pub fn read_with(&mut self, reader: String) {
        clear_included(&mut self.input, reader);
        self.outcome = InputOutcome::default();
        (self.placement, self.workloads) = (None, None);
    }

    /// The input with its workloads back in place, and their provenance and trail too when `placed`.
    fn unpacked(&self, placed: bool) -> LoadedInput {
        let mut input = LoadedInput::empty(&self.input.path, &self.input.fs_path);
        input.format = self.input.format;
        input.workloads = match &self.workloads {
            Some((_, bytes)) => {
                let json = lz4_flex::decompress_size_prepended(bytes).expect("packed by this process");
                serde_json::from_slice(&json).expect("serialised by this process")
            }
            None => self.input.workloads.clone(),
        };
        if let Some(bytes) = self.placement.as_ref().filter(|_| placed) {
            let encoded = lz4_flex::decompress_size_prepended(bytes).expect("packed by this process");
            for (w, p) in input.workloads.iter_mut().zip(placement::decode(&encoded)) {
                (w.provenance, w.trail) = (p.own.provenance, p.own.trail);
                for (alt, at) in w.alternatives.iter_mut().zip(p.alternatives) {
                    (alt.provenance, alt.trail) = (at.provenance, at.trail);
                }
            }
        }
        input
    }

    /// True when the input's workloads and placement are packed.
    #[cfg(test)]
    fn packed(&self) -> bool {
        self.placement.is_some() && self.workloads.is_some()
    }
}

/// Kept inputs as the run-scoped policies read them: one unpacked at a time.
impl crate::run_scope::RunInputs for [Kept] {
    fn count(&self) -> usize {
        self.len()
    }

    fn input(&self, n: usize) -> crate::run_scope::RunInput<'_> {
        given(&self[n], true)
    }

    fn workloads(&self, n: usize) -> crate::run_scope::RunInput<'_> {
        given(&self[n], false)
    }

    fn any_workloads(&self) -> bool {
        self.iter().any(|k| k.workload_count() > 0)
    }
}

impl Text {
    /// The text, unpacked.
    pub fn source(&self, path: &str) -> Arc<SourceText> {
        match self {
            Text::Whole(s) => s.clone(),
            Text::Packed(bytes) => {
                let bytes = lz4_flex::decompress_size_prepended(bytes).expect("packed by this process");
                let text = String::from_utf8(bytes).expect("packed from a string");
                Arc::new(SourceText::new(path, text))
            }
        }
    }
}

/// A kept input as it is, or unpacked (with its placement when `placed`; the placement is packed exactly when the
/// workloads are).
fn given(kept: &Kept, placed: bool) -> crate::run_scope::RunInput<'_> {
    match kept.workloads.is_some() {
        true => crate::run_scope::RunInput::Unpacked(Box::new(kept.unpacked(placed))),
        false => crate::run_scope::RunInput::Borrowed(&kept.input),
    }
}

/// Moves every workload's provenance and trail out of `input`, packed.
fn pack(input: &mut LoadedInput) -> Vec<u8> {
    let placements: Vec<Placement> = input
        .workloads
        .iter_mut()
        .map(|w| Placement {
            own: Where { provenance: std::mem::take(&mut w.provenance), trail: std::mem::take(&mut w.trail) },
            alternatives: w
                .alternatives
                .iter_mut()
                .map(|a| Where { provenance: std::mem::take(&mut a.provenance), trail: std::mem::take(&mut a.trail) })
                .collect(),
        })
        .collect();
    lz4_flex::compress_prepend_size(&placement::encode(&placements))
}

/// What marking a file as read through another input leaves of it: it is only listed.
pub(crate) fn clear_included(input: &mut LoadedInput, reader: String) {
    input.read_with = Some(reader);
    input.workloads.clear();
    input.errors.clear();
    input.notes.clear();
    input.findings.clear();
}

#[cfg(test)]
mod tests {
    use entitle_sdk::Workload;
    use entitle_sdk::model::{Alternative, Source};

    use super::*;

    fn at(line: u32) -> Source {
        Source { path: "f.json".into(), pointer: format!("/{line}"), line: Some(line), column: Some(3) }
    }

    #[test]
    fn packing_keeps_every_source_and_line() {
        let mut input = LoadedInput::empty("f.json", std::path::Path::new("f.json"));
        let mut w = Workload { id: "vm".into(), source: at(1), ..Workload::default() };
        w.provenance.insert("os.version".into(), at(7));
        w.trail.insert("os.version".into(), vec![at(2), at(3)]);
        let mut alt = Alternative { when: "p = 1".into(), ..Alternative::default() };
        alt.provenance.insert("image".into(), at(9));
        w.alternatives.push(alt);
        w.properties = serde_json::json!({"a": 1});
        input.workloads.push(w.clone());
        input.sources.push(Arc::new(SourceText::new("f.json", "{\n  \"x\": 1\n}\n".into())));
        let kept = Kept::new(input, InputOutcome::default(), false);
        assert!(kept.packed());
        assert!(kept.input.workloads.is_empty() && kept.input.sources.is_empty());
        assert_eq!(kept.workload_count(), 1);
        let back = kept.unpacked(true);
        w.properties = serde_json::Value::Null;
        assert_eq!(back.workloads, vec![w]);
        let text = kept.texts[0].1.source("f.json");
        assert_eq!(text.excerpt(2, 3).map(|e| e.text), Some("  \"x\": 1".into()));
    }
}
