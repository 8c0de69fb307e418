//! What one ARM evaluation shares across the root template and every nested or
//! linked template: loaded files, and the stack of parameter dependencies that tells
//! which root parameters a value depends on (to enumerate choices).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::confined::{Root, TEMPLATE_LIMIT};
use crate::document::{self, Document};
use crate::input_finding::InputFinding;

/// A file read during the evaluation (the root template, a parameters file, linked
/// templates), with the path shown to the user.
#[derive(Debug)]
pub struct Loaded {
    /// Path as shown in reports.
    pub display: Rc<str>,
    /// Path on disk.
    pub fs_path: PathBuf,
    /// The parsed document.
    pub doc: Rc<Document>,
}

/// Shared state of one evaluation.
#[derive(Debug, Default)]
pub struct Session {
    root: RefCell<Option<Rc<Loaded>>>,
    files: RefCell<BTreeMap<PathBuf, Rc<Loaded>>>,
    deps: RefCell<Vec<BTreeSet<String>>>,
    problems: RefCell<Vec<Problem>>,
    rejected: RefCell<Vec<InputFinding>>,
    notes: RefCell<Vec<String>>,
    /// The tree linked files may be read from (`None`: none may be).
    confine: Option<Root>,
}

/// Something wrong in part of a template; the rest is still modelled.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// File, as shown.
    pub path: String,
    /// JSON pointer of the offending value.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

impl Session {
    /// A session whose linked files must stay inside `confine`.
    pub fn new(confine: Option<Root>) -> Session {
        Session { confine, ..Session::default() }
    }

    /// Registers a parsed file; the first one is the root template.
    pub fn add(&self, display: &str, fs_path: &Path, doc: Rc<Document>) -> Rc<Loaded> {
        let loaded = Rc::new(Loaded { display: Rc::from(display), fs_path: fs_path.to_path_buf(), doc });
        self.files.borrow_mut().insert(fs_path.to_path_buf(), loaded.clone());
        self.root.borrow_mut().get_or_insert_with(|| loaded.clone());
        loaded
    }

    /// The root template's file.
    pub fn root(&self) -> Rc<Loaded> {
        self.root.borrow().clone().expect("the root template is added first")
    }

    /// Reads and parses a linked file once: only a regular file inside the input's tree,
    /// of at most [`TEMPLATE_LIMIT`] bytes. Errors never quote the file's contents.
    pub fn load(&self, display: &str, fs_path: &Path) -> Result<Rc<Loaded>, String> {
        if let Some(found) = self.files.borrow().get(fs_path) {
            return Ok(found.clone());
        }
        let Some(root) = &self.confine else {
            return Err(format!("{display}: not read: the input's directory is not known"));
        };
        let bytes = root.read(fs_path, TEMPLATE_LIMIT).map_err(|e| format!("{display}: {e}"))?;
        if crate::formats::bicep::is_bicep(fs_path) {
            // A Bicep module: compiled to its template, its problems recorded at their lines.
            let compiled = crate::formats::bicep::compile_bytes(&bytes, display, fs_path, Some(root))?;
            for (pointer, message) in compiled.problem_pointers() {
                self.problem(display, &pointer, message);
            }
            return Ok(self.add(display, fs_path, Rc::new(compiled.doc)));
        }
        let doc = document::parse_bytes(&bytes)
            .map_err(|e| format!("{display}:{e}"))?
            .into_iter()
            .next()
            .ok_or_else(|| format!("{display} is empty"))?;
        if !doc.value.is_object() {
            return Err(format!("{display}: not an ARM template (not a JSON object)"));
        }
        Ok(self.add(display, fs_path, Rc::new(doc)))
    }

    /// Every file read, by disk path.
    pub fn files(&self) -> Vec<Rc<Loaded>> {
        self.files.borrow().values().cloned().collect()
    }

    /// Records a problem once (choices re-evaluate templates and meet it again).
    pub fn problem(&self, path: &str, pointer: &str, message: String) {
        let problem = Problem { path: path.to_owned(), pointer: pointer.to_owned(), message };
        let mut problems = self.problems.borrow_mut();
        if !problems.contains(&problem) {
            problems.push(problem);
        }
    }

    /// Records a finding about the input once (choices re-evaluate templates and meet
    /// it again).
    pub fn reject(&self, finding: InputFinding) {
        let mut rejected = self.rejected.borrow_mut();
        if !rejected.contains(&finding) {
            rejected.push(finding);
        }
    }

    /// Every finding about the input recorded.
    pub fn rejected(&self) -> Vec<InputFinding> {
        self.rejected.borrow().clone()
    }

    /// Every problem recorded.
    pub fn problems(&self) -> Vec<Problem> {
        self.problems.borrow().clone()
    }

    /// Records a note about the input (once).
    pub fn note(&self, note: String) {
        let mut notes = self.notes.borrow_mut();
        if !notes.contains(&note) {
            notes.push(note);
        }
    }

    /// Every note recorded.
    pub fn notes(&self) -> Vec<String> {
        self.notes.borrow().clone()
    }

    /// Starts recording root-parameter dependencies.
    pub fn push_deps(&self) {
        self.deps.borrow_mut().push(BTreeSet::new());
    }

    /// Stops recording; returns what was read (also merged into the enclosing level).
    pub fn pop_deps(&self) -> BTreeSet<String> {
        let mut stack = self.deps.borrow_mut();
        let top = stack.pop().unwrap_or_default();
        if let Some(outer) = stack.last_mut() {
            outer.extend(top.iter().cloned());
        }
        top
    }

    /// Records that root parameters were read (directly or through a memoised value).
    pub fn record(&self, names: impl IntoIterator<Item = String>) {
        if let Some(top) = self.deps.borrow_mut().last_mut() {
            top.extend(names);
        }
    }
}
