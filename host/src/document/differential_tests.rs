//! The one-pass reader held to jsonc-parser's path on every JSON text we have (the fuzz corpora and reproducers, the
//! real corpus, the examples) and on mutations of each: the same errors-or-not and error, the same value, the same
//! comments and the same position for every node.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::json::parse_jsonc;
use super::{Syntax, decode_text, escape_token, parse_json_with_comments, reader, sniff};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every node's pointer, depth-first.
fn pointers(value: &Value, pointer: &mut String, out: &mut Vec<String>) {
    out.push(pointer.clone());
    let mark = pointer.len();
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                pointer.push_str(&format!("/{i}"));
                pointers(item, pointer, out);
                pointer.truncate(mark);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                pointer.push('/');
                pointer.push_str(&escape_token(key));
                pointers(item, pointer, out);
                pointer.truncate(mark);
            }
        }
        _ => {}
    }
}

#[derive(Default)]
struct Tally {
    read: usize,
    left_to_jsonc: usize,
    errors: usize,
    nodes: usize,
}

/// Compares both paths on one text; panics naming `name` on any difference.
fn compare(name: &str, text: &str, tally: &mut Tally) {
    let body = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let new = parse_json_with_comments(text);
    let old = parse_jsonc(body, true);
    match (&new, &old) {
        (Ok((new, new_comments)), Ok((old, old_comments))) => {
            assert_eq!(new.value, old.value, "{name}: values differ");
            assert_eq!(new_comments, old_comments, "{name}: comments differ");
            let mut all = Vec::new();
            pointers(&old.value, &mut String::new(), &mut all);
            for pointer in &all {
                assert_eq!(new.position(pointer), old.position(pointer), "{name}: position of {pointer:?}");
                assert!(new.position(pointer).is_some(), "{name}: no position for {pointer:?}");
            }
            assert_eq!(new.len_positions(), all.len(), "{name}: node count");
            tally.nodes += all.len();
        }
        (Err(new), Err(old)) => {
            assert_eq!(new, old, "{name}: errors differ");
            tally.errors += 1;
        }
        _ => panic!("{name}: one path failed, the other did not: new {:?} / old {:?}", new.is_ok(), old.is_ok()),
    }
    if reader::read(body, true, None).is_some() {
        tally.read += 1;
    } else {
        tally.left_to_jsonc += 1;
    }
}

/// Deterministic damage: cuts, and one of JSON's punctuation marks inserted or a byte removed, at spread offsets.
fn mutations(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let boundaries: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
    for k in 1..=4 {
        let at = boundaries[boundaries.len() * k / 5];
        out.push(text[..at].to_owned());
        for insert in ["\"", ",", "]", "}", ":", "/", "//x\n", "/*", "\\", "\u{A0}", "0", "-", "[", "{"] {
            out.push(format!("{}{insert}{}", &text[..at], &text[at..]));
        }
        if let Some(&next) = boundaries.iter().find(|&&b| b > at) {
            out.push(format!("{}{}", &text[..at], &text[next..]));
        }
    }
    out
}

#[test]
fn the_reader_matches_jsonc_parser_on_every_corpus_and_its_mutations() {
    let host = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    for dir in ["../fuzz/corpus", "../fuzz/regressions", "../../shared/corpus/real", "../examples", "../tests"] {
        files(&host.join(dir), &mut paths);
    }
    paths.sort();
    let mut tally = Tally::default();
    let mut texts = 0;
    for path in &paths {
        let Ok(bytes) = std::fs::read(path) else { continue };
        let Ok(text) = decode_text(&bytes) else { continue };
        if sniff(text) != Syntax::Json {
            continue;
        }
        texts += 1;
        let name = path.display().to_string();
        compare(&name, text, &mut tally);
        // Every other small text is damaged too (all of them would take minutes in a debug build).
        if text.len() <= 16 * 1024 && texts % 2 == 0 {
            for (i, mutated) in mutations(text).iter().enumerate() {
                compare(&format!("{name} (mutation {i})"), mutated, &mut tally);
            }
        }
    }
    eprintln!("{texts} texts: {}", tally.summary());
    // Not vacuous: hundreds of texts, most read by the reader, errors and jsonc-parser's path both exercised.
    assert!(texts >= 200, "only {texts} JSON texts found");
    assert!(tally.read >= 1000 && tally.errors >= 1000 && tally.left_to_jsonc >= tally.errors, "{}", tally.summary());
    assert!(tally.nodes >= 100_000, "{}", tally.summary());
}

impl Tally {
    fn summary(&self) -> String {
        format!(
            "read {}, left to jsonc {}, errors {}, nodes {}",
            self.read, self.left_to_jsonc, self.errors, self.nodes
        )
    }
}
