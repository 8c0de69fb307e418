//! Finding input files (walked in sorted order) and reading one into workloads.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use entitle_sdk::{Catalog, Workload};

use crate::confined::{self, Root};
use crate::document::{self, Document};
use crate::formats::{self, Format, ReadOptions};
use crate::{Error, ErrorKind, Phase};

/// File endings read when walking a directory (a file named on the command line is
/// always read, whatever its name; the format is decided by content either way).
const WALKED_EXTENSIONS: [&str; 11] =
    ["json", "jsonc", "yaml", "yml", "template", "tf", "tfvars", "bicep", "bicepparam", "jinja", "py"];

/// Deployment descriptors entitle does not read (yet), which a walk must not pass over
/// silently, and what to give it instead.
fn unread_source(path: &Path) -> Option<&'static str> {
    match path.extension()?.to_string_lossy().to_ascii_lowercase().as_str() {
        "jinja" | "py" => Some(formats::gcpdm::TEMPLATE_SOURCE),
        _ => None,
    }
}

/// One file to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    /// The path as shown in reports (relative paths stay relative).
    pub display: String,
    /// The path to open.
    pub path: PathBuf,
    /// Named on the command line (not found by walking a directory).
    pub explicit: bool,
    /// The tree this input may read other files from (linked templates, parameters
    /// files): the directory the user named, or a named file's directory.
    pub root: Option<Root>,
    /// The directory named on the command line that this file was found in.
    pub walked_from: Option<String>,
    /// Why a walked entry is listed without being read (a link leaving the tree, a FIFO).
    pub unread: Option<String>,
}

impl InputFile {
    /// A file (or a Terraform module's directory) named on the command line: it may read
    /// other files from its own directory tree.
    pub fn named(display: String, path: PathBuf) -> InputFile {
        let root = if path.is_dir() { Root::new(&path).ok() } else { Root::of_file(&path).ok() };
        InputFile { display, path, explicit: true, root, walked_from: None, unread: None }
    }
}

/// The files behind `paths`: files as given, directories walked in sorted order
/// (hidden entries skipped). A path that does not exist, that is not a regular file or
/// directory, or a directory holding nothing entitle would read, is an error.
pub fn discover(paths: &[PathBuf]) -> (Vec<InputFile>, Vec<Error>) {
    let (mut files, mut errors) = (Vec::new(), Vec::new());
    for path in paths {
        let display = path.display().to_string();
        match std::fs::metadata(path) {
            Err(e) => errors.push(Error::new(Phase::Read, ErrorKind::Io(e)).path(display)),
            Ok(meta) if meta.is_dir() => {
                let before = files.len();
                walk(path, &mut files, &mut errors);
                if files.len() == before {
                    errors.push(Error::new(Phase::Parse, ErrorKind::Shape(NOTHING_FOUND.into())).path(display));
                }
            }
            Ok(meta) if !meta.is_file() => {
                let why = format!("{}, not a regular file, so it is not read", confined::kind_name(&meta.file_type()));
                errors.push(Error::new(Phase::Read, ErrorKind::Shape(why)).path(display));
            }
            Ok(_) => files.push(InputFile::named(display, path.clone())),
        }
    }
    (crate::terraform_inputs::group(files), errors)
}

/// Why a walked directory fails the run when nothing in it was checked.
const NOTHING_FOUND: &str = "no deployment descriptor was found in this directory, so nothing was checked (a gate that checked nothing has not passed); name the files or directories that hold the descriptors";

/// Why a walked directory fails the run when files were found but none was checked.
const NOTHING_CHECKED: &str = "no file in this directory is a deployment descriptor entitle checks (each is listed as not checked), so nothing was checked (a gate that checked nothing has not passed)";

fn walk(dir: &Path, files: &mut Vec<InputFile>, errors: &mut Vec<Error>) {
    let root = match Root::new(dir) {
        Ok(root) => root,
        Err(e) => {
            errors.push(Error::new(Phase::Parse, ErrorKind::Shape(e.to_string())).path(dir.display().to_string()));
            return;
        }
    };
    let walked_from = dir.display().to_string();
    // A module directory is listed once, also when an earlier walk listed it.
    let modules = files.iter().map(|f| f.path.clone()).collect();
    let mut walker = Walker { root, walked_from, files, walked: Vec::new(), modules, links: Vec::new() };
    // Symbolic links are not followed by the walk itself (no loops, nothing outside):
    // each is resolved below and checked only when it stays inside the tree.
    // A policy crate (`policy.json` beside `Cargo.toml`) is a policy's source, like a hidden
    // directory: its golden cases' inputs are test data, not a deployment, so a walk does not
    // enter it (name it to check its files).
    let entries = walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().filter_entry(|e| {
        if e.depth() == 0 {
            return true;
        }
        if e.file_name().to_string_lossy().starts_with('.') {
            return false;
        }
        let policy_crate =
            e.file_type().is_dir() && e.path().join("policy.json").is_file() && e.path().join("Cargo.toml").is_file();
        !policy_crate
    });
    for entry in entries {
        match entry {
            Ok(e) if e.file_type().is_file() => walker.file(e.into_path(), false),
            Ok(e) if e.path_is_symlink() => walker.link(e.into_path()),
            Ok(e) if e.file_type().is_dir() => {}
            Ok(e) => {
                let why = format!("{}, not a regular file, so it is not read", confined::kind_name(&e.file_type()));
                walker.unread(e.into_path(), why, false);
            }
            Err(e) => {
                let path = e.path().map(|p| p.display().to_string()).unwrap_or_else(|| dir.display().to_string());
                let io = e.into_io_error().unwrap_or_else(|| std::io::Error::other("directory loop"));
                errors.push(Error::new(Phase::Read, ErrorKind::Io(io)).path(path));
            }
        }
    }
    walker.finish();
}

/// The state of one directory walk.
struct Walker<'a> {
    root: Root,
    walked_from: String,
    files: &'a mut Vec<InputFile>,
    /// Indices in `files` of the regular files walked (resolved only when a link may name one: a `realpath` per
    /// file was most of walking 10,000 files).
    walked: Vec<usize>,
    /// The paths listed before the walk, and the Terraform module directories it listed.
    modules: HashSet<PathBuf>,
    /// Indices in `files` of links that were followed, with their resolved paths.
    links: Vec<(usize, PathBuf)>,
}

impl Walker<'_> {
    fn input(&self, path: PathBuf) -> InputFile {
        InputFile {
            // `entitle check .` shows `infra/vm.json`, not `./infra/vm.json`.
            display: path.strip_prefix(".").unwrap_or(&path).display().to_string(),
            path,
            explicit: false,
            root: Some(self.root.clone()),
            walked_from: Some(self.walked_from.clone()),
            unread: None,
        }
    }

    /// A regular file (or a link to one inside the tree): read when its name is one
    /// entitle reads; a directory of `.tf` files is one module input.
    fn file(&mut self, path: PathBuf, linked: bool) {
        if let Some(dir) = terraform_module(&path) {
            if self.modules.insert(dir.clone()) {
                self.files.push(self.input(dir));
            }
            return;
        }
        let ext = path.extension().map(|x| x.to_string_lossy().to_ascii_lowercase());
        if !ext.as_deref().is_some_and(|x| WALKED_EXTENSIONS.contains(&x)) {
            return;
        }
        // A .jinja / .py file is listed only when it is a Deployment Manager template.
        if matches!(ext.as_deref(), Some("jinja" | "py")) {
            let text = confined::read_regular(&path, confined::INPUT_LIMIT).ok();
            let text = text.as_deref().map(String::from_utf8_lossy).unwrap_or_default();
            if !formats::gcpdm::looks_like_template(&text) {
                return;
            }
        }
        let resolved = linked.then(|| path.canonicalize().unwrap_or_else(|_| path.clone()));
        self.files.push(self.input(path));
        let index = self.files.len() - 1;
        match resolved {
            Some(resolved) => self.links.push((index, resolved)),
            None => self.walked.push(index),
        }
    }

    /// A symbolic link: followed when it resolves inside the tree to a regular file;
    /// a link to a directory inside the tree adds nothing (the directory is walked
    /// where it is); anything else is listed as not checked, with why.
    fn link(&mut self, path: PathBuf) {
        match self.root.resolve(&path) {
            Ok(target) => match std::fs::metadata(&target) {
                Ok(meta) if meta.is_file() => self.file(path, true),
                Ok(meta) if meta.is_dir() => {}
                Ok(meta) => {
                    let kind = confined::kind_name(&meta.file_type());
                    self.unread(
                        path,
                        format!("a symbolic link to {kind}, not a regular file, so it is not read"),
                        true,
                    );
                }
                Err(e) => self.unread(path, format!("a symbolic link whose target cannot be read: {e}"), true),
            },
            Err(confined::Refused::Outside) => {
                let why = "a symbolic link that leads outside the walked directory, so it is not read".to_owned();
                self.unread(path, why, false);
            }
            Err(e) => self.unread(path, format!("a symbolic link that is not followed: {e}"), true),
        }
    }

    /// Lists an entry as not checked. `named_only`: only when its name is one entitle
    /// reads (a broken link to `notes.txt` is not worth a line).
    fn unread(&mut self, path: PathBuf, why: String, named_only: bool) {
        let ext = path.extension().map(|x| x.to_string_lossy().to_ascii_lowercase());
        if named_only && !ext.as_deref().is_some_and(|x| WALKED_EXTENSIONS.contains(&x)) {
            return;
        }
        self.files.push(InputFile { unread: Some(why), ..self.input(path) });
    }

    /// A link to a file that the walk also met under its own name is listed, not
    /// checked twice.
    fn finish(self) {
        if self.links.is_empty() {
            return;
        }
        let canonical: HashMap<PathBuf, usize> = self
            .walked
            .iter()
            .map(|&i| (self.files[i].path.canonicalize().unwrap_or_else(|_| self.files[i].path.clone()), i))
            .collect();
        for (index, target) in self.links {
            if let Some(&other) = canonical.get(&target) {
                let why = format!("a symbolic link to {}, which is checked under that name", self.files[other].display);
                self.files[index].unread = Some(why);
            }
        }
    }
}

/// The module directory a walked file belongs to: a `.tf` / `.tf.json` file, or a `.tfvars`
/// file beside `.tf` files.
fn terraform_module(file: &Path) -> Option<PathBuf> {
    let dir = file.parent()?;
    let name = file.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let tfvars = name.ends_with(".tfvars") || name.ends_with(".tfvars.json");
    if formats::tfhcl::is_source(file) || (tfvars && formats::tfhcl::holds_sources(dir)) {
        Some(dir.to_path_buf())
    } else {
        None
    }
}

/// An input after reading: its format and workloads, or why it was passed over.
#[derive(Debug)]
pub struct LoadedInput {
    /// The path as shown in reports.
    pub path: String,
    /// The detected format (`None` when it is not a descriptor entitle reads).
    pub format: Option<Format>,
    /// The workloads found.
    pub workloads: Vec<Workload>,
    /// Why a walked file was not checked (not a descriptor entitle reads).
    pub skipped: Option<String>,
    /// Problems in parts of the input; the rest was modelled.
    pub errors: Vec<Error>,
    /// Other files read to model it (parameters files, linked templates), on disk.
    pub includes: Vec<PathBuf>,
    /// The file on disk.
    pub fs_path: PathBuf,
    /// The input that reads this file (as its linked template or parameters file),
    /// through which its workloads are modelled.
    pub read_with: Option<String>,
    /// What the reader should know about parts that were not modelled.
    pub notes: Vec<String>,
    /// What the Kubernetes front-end leaves to the run-wide pass.
    pub k8s: formats::k8s::RunFacts,
    /// Findings entitle makes about the input itself, reported with the policies' findings.
    pub findings: Vec<crate::input_finding::InputFinding>,
    /// Its inline waivers, read from its first parse (`None` when it was not parsed here).
    pub inline: Option<crate::gate::InlineSource>,
    /// The text of the file as read, which the human report quotes (not kept for files
    /// read otherwise, which are then cited without their lines).
    pub sources: Vec<std::sync::Arc<crate::source_text::SourceText>>,
}

/// Reads, parses and models one file.
pub fn load(file: &InputFile, catalog: &Catalog, options: &ReadOptions) -> Result<LoadedInput, Error> {
    formats::body::start_input(!options.without_bodies);
    if let Some(why) = &file.unread {
        let mut loaded = LoadedInput::empty(&file.display, &file.path);
        loaded.skipped = Some(why.clone());
        return Ok(loaded);
    }
    let options = &ReadOptions { confine: file.root.clone(), ..options.clone() };
    if formats::tfhcl::is_input(&file.path) {
        let found = formats::tfhcl::load(&file.display, &file.path, catalog, options)?;
        let mut loaded = LoadedInput::empty(&file.display, &file.path);
        loaded.format = Some(Format::TerraformHcl);
        (loaded.workloads, loaded.errors, loaded.includes, loaded.notes) =
            (found.workloads, found.errors, found.includes, found.notes);
        // Boot entries already point at their `.tf` lines: nothing to locate here.
        crate::support::detect(&mut loaded.workloads, loaded.format, None, &file.display, &|_, _| None);
        derive_evidence(&mut loaded.workloads, &|_, _| None, catalog);
        return Ok(loaded);
    }
    if formats::tfhcl::is_vars(&file.path) {
        return crate::terraform_inputs::load_vars(file, catalog, options);
    }
    if formats::bicep::is_bicep(&file.path) || formats::bicep::is_params(&file.path) {
        return crate::bicep_input::load(file, catalog, options);
    }
    if let Some(skipped) = unchecked(file, options)? {
        return Ok(skipped);
    }
    let bytes = confined::read_regular(&file.path, confined::INPUT_LIMIT).map_err(|e| {
        let kind = match e {
            confined::Refused::Io(e) => ErrorKind::Io(e),
            other => ErrorKind::Shape(other.to_string()),
        };
        Error::new(Phase::Read, kind).path(&file.display)
    })?;
    if bytes.trim_ascii().is_empty() {
        let what = if bytes.is_empty() { "the file is empty" } else { "the file is empty (white space only)" };
        if file.explicit {
            let why = format!("{what}: there is nothing to check");
            return Err(Error::new(Phase::Parse, ErrorKind::Shape(why)).path(&file.display));
        }
        let mut loaded = LoadedInput::empty(&file.display, &file.path);
        loaded.skipped = Some(what.to_owned());
        return Ok(loaded);
    }
    let syntax = |e: document::SyntaxError| {
        Error::new(Phase::Parse, ErrorKind::Syntax(e.message.clone())).path(&file.display).at(e.line, e.column)
    };
    if bytes.starts_with(b"PK\x03\x04") {
        let why = "a binary Terraform plan file (or another zip archive): run `terraform show -json PLAN > plan.json` and check plan.json";
        return Err(Error::new(Phase::Parse, ErrorKind::Shape(why.into())).path(&file.display));
    }
    let text = document::decode_text(&bytes).map_err(syntax)?;
    let ((docs, comments), text) = match formats::tfplan::unwrap_setup_terraform(text) {
        // Output captured through hashicorp/setup-terraform's wrapper: the plan inside.
        Some(Ok(clean)) => {
            let (doc, comments) = document::parse_json_eliding(&clean, formats::tfplan::ELIDE).map_err(syntax)?;
            ((vec![doc], comments), std::borrow::Cow::Owned(clean))
        }
        Some(Err(why)) => return Err(Error::new(Phase::Parse, ErrorKind::Shape(why)).path(&file.display)),
        // Borrowed: a copy of a large file's text was a second file's worth of memory.
        None => (
            document::parse_text_eliding(text, formats::tfplan::ELIDE, crate::gate::INLINE_MARKER).map_err(syntax)?,
            std::borrow::Cow::Borrowed(text),
        ),
    };
    // Inline waivers come from this parse; strict JSON carries them in resource metadata too (not a Terraform plan or
    // state, whose resources have no such member: its tree is not walked for them).
    let json = match (document::sniff(&text), docs.as_slice()) {
        (document::Syntax::Json, [doc]) if !formats::tfplan::detect(doc) => Some(doc),
        _ => None,
    };
    let inline = crate::gate::InlineSource::new(comments, json);
    let mut loaded = load_documents(&file.display, &file.path, &text, docs, file.explicit, catalog, options)?;
    loaded.inline = Some(inline);
    // Kept for the human report's quotes: the bytes read become the text, without a copy of a large file.
    let text = match text {
        std::borrow::Cow::Owned(clean) => clean,
        std::borrow::Cow::Borrowed(borrowed) => {
            let bom = bytes.len() - borrowed.len();
            let mut bytes = bytes;
            bytes.drain(..bom);
            String::from_utf8(bytes).expect("decoded as UTF-8 above")
        }
    };
    loaded.sources.push(std::sync::Arc::new(crate::source_text::SourceText::new(&file.display, text)));
    Ok(loaded)
}

/// A source format entitle does not read: named, an error; walked, a descriptor fails the
/// run unless `--allow-unchecked` (then, like a values file, it is listed as not checked).
fn unchecked(file: &InputFile, options: &ReadOptions) -> Result<Option<LoadedInput>, Error> {
    let Some(why) = unread_source(&file.path) else { return Ok(None) };
    if file.explicit {
        return Err(Error::new(Phase::Parse, ErrorKind::Shape(why.to_owned())).path(&file.display));
    }
    if !options.allow_unchecked {
        let why = format!(
            "a deployment descriptor entitle cannot check, so the run cannot pass: {why} (or pass --allow-unchecked to list such files as not checked)"
        );
        return Err(Error::new(Phase::Parse, ErrorKind::Shape(why)).path(&file.display));
    }
    let mut loaded = LoadedInput::empty(&file.display, &file.path);
    loaded.skipped = Some(why.to_owned());
    Ok(Some(loaded))
}

/// Errors for directories named on the command line in which nothing was checked: every
/// file found there was passed over (no known format, or listed as not checked) and none
/// failed to read (that is an error of its own already).
pub fn nothing_checked<'a>(files: &[InputFile], loaded: impl IntoIterator<Item = &'a LoadedInput>) -> Vec<Error> {
    let mut by_path: std::collections::HashMap<&Path, &LoadedInput> = std::collections::HashMap::new();
    for l in loaded {
        by_path.entry(l.fs_path.as_path()).or_insert(l);
    }
    let mut dirs: BTreeMap<&str, (bool, bool)> = BTreeMap::new();
    for file in files {
        let Some(dir) = file.walked_from.as_deref() else { continue };
        let (checked, failed) = dirs.entry(dir).or_default();
        match by_path.get(file.path.as_path()) {
            Some(l) => *checked |= l.read_with.is_some() || (l.skipped.is_none() && l.format.is_some()),
            None => *failed = true,
        }
    }
    dirs.into_iter()
        .filter(|(_, (checked, failed))| !checked && !failed)
        .map(|(dir, _)| Error::new(Phase::Parse, ErrorKind::Shape(NOTHING_CHECKED.into())).path(dir))
        .collect()
}

/// Models already parsed documents of one file (also used by the golden-case runner).
pub fn load_documents(
    path: &str,
    fs_path: &Path,
    text: &str,
    docs: Vec<Document>,
    explicit: bool,
    catalog: &Catalog,
    options: &ReadOptions,
) -> Result<LoadedInput, Error> {
    formats::body::start_input(!options.without_bodies);
    let mut loaded = LoadedInput::empty(path, fs_path);
    let mut read = Vec::new();
    // CloudFormation YAML is read with its short-form tags as long forms (`!Ref` → `Ref`).
    let mut long_forms = formats::cfn::LongForms::default();
    let mut long = None;
    for doc in docs {
        if let Some(format) = formats::detect(&doc) {
            loaded.format.get_or_insert(format);
            let doc = std::rc::Rc::new(doc);
            read.push(doc.clone());
            let modelled = match format {
                Format::CloudFormation => long_forms
                    .of(text, &doc)
                    .map_err(|e| {
                        Error::new(Phase::Parse, ErrorKind::Syntax(e.message.clone())).path(path).at(e.line, e.column)
                    })?
                    .inspect(|l| long = Some(l.clone()))
                    .unwrap_or(doc),
                _ => doc,
            };
            let found = formats::workloads(format, path, fs_path, modelled, catalog, options)?;
            loaded.workloads.extend(found.workloads);
            loaded.errors.extend(found.errors);
            loaded.includes.extend(found.includes);
            loaded.notes.extend(found.notes);
            loaded.findings.extend(found.findings);
            loaded.k8s.links.extend(found.k8s.links);
            loaded.k8s.tags.extend(found.k8s.tags);
            loaded.k8s.cluster.merge(&found.k8s.cluster);
        }
    }
    // Pointers into this file's one document (a multi-document file's pointers are ambiguous).
    let locate = |file: &str, pointer: &str| match read.as_slice() {
        [doc] if file == path => doc.position(pointer).map(|at| (at.line, at.column)),
        _ => None,
    };
    // The one document's long form when it is a CloudFormation template.
    let long = long.filter(|_| read.len() == 1);
    let doc = match read.as_slice() {
        [doc] => Some(long.as_ref().map_or(&doc.value, |l| &l.value)),
        _ => None,
    };
    // HA, SAP and network signals first: the instance pass below looks up every size found.
    crate::support::detect(&mut loaded.workloads, loaded.format, doc, path, &locate);
    derive_evidence(&mut loaded.workloads, &locate, catalog);
    if loaded.format.is_none() {
        let why = "not a descriptor entitle reads (an ARM template, a Terraform plan, a CloudFormation template, Kubernetes manifests, a Deployment Manager configuration or an entitle descriptor)";
        if explicit {
            return Err(Error::new(Phase::Parse, ErrorKind::Shape(format!("{why}; nothing was checked"))).path(path));
        }
        loaded.skipped = Some(why.to_owned());
    }
    if loaded.format == Some(Format::TerraformPlan) && text.len() >= DROP_APART {
        drop_apart(read.into_iter().chain(long).filter_map(|doc| std::rc::Rc::try_unwrap(doc).ok()).collect());
    }
    Ok(loaded)
}

/// A Terraform plan at least this large has its document freed on a thread of its own.
const DROP_APART: usize = 4 << 20;

/// Frees `docs` on a thread of their own, while this one goes on to evaluate the input: freeing the tree of a 50 MB
/// plan took 6 % of its run. Only for a plan, whose model is small beside its document: an ARM template's model and
/// requests are large, and with its document freed from another thread the allocator did not reuse those pages for
/// them in time (50 MB template: 766 → 828 MB peak, no faster). One such thread per large plan, done long before the
/// next one is parsed.
fn drop_apart(docs: Vec<Document>) {
    // Not spawned (no thread to be had): freed here instead.
    let _ = std::thread::Builder::new().name("entitle-free".into()).spawn(move || drop(docs));
}

/// What every front-end's workloads get alike: registration and kernel changes found in
/// their boot entries, the instance size's family, vCPUs and architecture, and the line
/// saying how their billing model was reached.
pub(crate) fn derive_evidence(workloads: &mut [Workload], locate: crate::registration::Locator, catalog: &Catalog) {
    crate::registration::scan(workloads, locate);
    crate::support::kernel::scan(workloads);
    crate::support::instance::resolve(workloads, catalog);
    crate::billing_evidence::record(workloads);
}

impl LoadedInput {
    pub(crate) fn empty(path: &str, fs_path: &Path) -> LoadedInput {
        LoadedInput {
            path: path.to_owned(),
            format: None,
            workloads: Vec::new(),
            skipped: None,
            errors: Vec::new(),
            includes: Vec::new(),
            fs_path: fs_path.to_path_buf(),
            read_with: None,
            notes: Vec::new(),
            k8s: Default::default(),
            findings: Vec::new(),
            inline: None,
            sources: Vec::new(),
        }
    }
}
