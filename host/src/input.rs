//! Finding input files (walked in sorted order) and reading one into workloads.

use std::path::{Path, PathBuf};

use entitle_sdk::{Catalog, Workload};

use crate::document::{self, Document};
use crate::formats::{self, Format, ReadOptions};
use crate::{Error, ErrorKind, Phase};

/// File endings read when walking a directory (a file named on the command line is
/// always read, whatever its name; the format is decided by content either way).
const WALKED_EXTENSIONS: [&str; 11] =
    ["json", "jsonc", "yaml", "yml", "template", "tf", "tfvars", "bicep", "bicepparam", "jinja", "py"];

/// Source formats entitle does not read (yet), and what to give it instead.
fn unread_source(path: &Path) -> Option<&'static str> {
    match path.extension()?.to_string_lossy().to_ascii_lowercase().as_str() {
        "bicep" | "bicepparam" => {
            Some("Bicep source is not read; compile it (`az bicep build --file main.bicep`) and check the JSON")
        }
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
}

/// The files behind `paths`: files as given, directories walked in sorted order
/// (hidden entries skipped). A path that does not exist is an error.
pub fn discover(paths: &[PathBuf]) -> (Vec<InputFile>, Vec<Error>) {
    let (mut files, mut errors) = (Vec::new(), Vec::new());
    for path in paths {
        let display = path.display().to_string();
        match std::fs::metadata(path) {
            Err(e) => errors.push(Error::new(Phase::Parse, ErrorKind::Io(e)).path(display)),
            Ok(meta) if meta.is_dir() => walk(path, &mut files, &mut errors),
            Ok(_) => files.push(InputFile { display, path: path.clone(), explicit: true }),
        }
    }
    (crate::terraform_inputs::group(files), errors)
}

fn walk(root: &Path, files: &mut Vec<InputFile>, errors: &mut Vec<Error>) {
    let entries = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in entries {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let ext = e.path().extension().map(|x| x.to_string_lossy().to_ascii_lowercase());
                let template = matches!(ext.as_deref(), Some("jinja" | "py"));
                // A .jinja / .py file is listed only when it is a Deployment Manager template.
                let other_code = template
                    && !std::fs::read_to_string(e.path()).is_ok_and(|t| formats::gcpdm::looks_like_template(&t));
                if let Some(dir) = terraform_module(e.path()) {
                    // A directory of .tf files is one module: one input, its .tfvars read with it.
                    if !files.iter().any(|f| f.path == dir) {
                        files.push(InputFile { display: dir.display().to_string(), path: dir, explicit: false });
                    }
                } else if ext.is_some_and(|x| WALKED_EXTENSIONS.contains(&x.as_str())) && !other_code {
                    files.push(InputFile {
                        display: e.path().display().to_string(),
                        path: e.into_path(),
                        explicit: false,
                    });
                }
            }
            Ok(_) => {}
            Err(e) => {
                let path = e.path().map(|p| p.display().to_string()).unwrap_or_else(|| root.display().to_string());
                let io = e.into_io_error().unwrap_or_else(|| std::io::Error::other("directory loop"));
                errors.push(Error::new(Phase::Parse, ErrorKind::Io(io)).path(path));
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
}

/// Reads, parses and models one file.
pub fn load(file: &InputFile, catalog: &Catalog, options: &ReadOptions) -> Result<LoadedInput, Error> {
    if formats::tfhcl::is_input(&file.path) {
        let found = formats::tfhcl::load(&file.display, &file.path, catalog, options)?;
        let mut loaded = LoadedInput::empty(&file.display, &file.path);
        loaded.format = Some(Format::TerraformHcl);
        (loaded.workloads, loaded.errors, loaded.includes, loaded.notes) =
            (found.workloads, found.errors, found.includes, found.notes);
        // Boot entries already point at their `.tf` lines: nothing to locate here.
        derive_evidence(&mut loaded.workloads, &|_, _| None);
        return Ok(loaded);
    }
    if formats::tfhcl::is_vars(&file.path) {
        return crate::terraform_inputs::load_vars(file, catalog, options);
    }
    if let Some(why) = unread_source(&file.path) {
        if file.explicit {
            return Err(Error::new(Phase::Parse, ErrorKind::Shape(why.to_owned())).path(&file.display));
        }
        let mut loaded = LoadedInput::empty(&file.display, &file.path);
        loaded.skipped = Some(why.to_owned());
        return Ok(loaded);
    }
    let bytes =
        std::fs::read(&file.path).map_err(|e| Error::new(Phase::Parse, ErrorKind::Io(e)).path(&file.display))?;
    let syntax = |e: document::SyntaxError| {
        Error::new(Phase::Parse, ErrorKind::Syntax(e.message.clone())).path(&file.display).at(e.line, e.column)
    };
    if bytes.starts_with(b"PK\x03\x04") {
        let why = "a binary Terraform plan file (or another zip archive): run `terraform show -json PLAN > plan.json` and check plan.json";
        return Err(Error::new(Phase::Parse, ErrorKind::Shape(why.into())).path(&file.display));
    }
    let text = document::decode_text(&bytes).map_err(syntax)?;
    let (docs, text) = match formats::tfplan::unwrap_setup_terraform(text) {
        // Output captured through hashicorp/setup-terraform's wrapper: the plan inside.
        Some(Ok(clean)) => (vec![document::parse_json(&clean).map_err(syntax)?], clean),
        Some(Err(why)) => return Err(Error::new(Phase::Parse, ErrorKind::Shape(why)).path(&file.display)),
        None => (document::parse_text(text).map_err(syntax)?, text.to_owned()),
    };
    load_documents(&file.display, &file.path, &text, docs, file.explicit, catalog, options)
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
    let mut loaded = LoadedInput::empty(path, fs_path);
    let mut read = Vec::new();
    for doc in docs {
        if let Some(format) = formats::detect(&doc) {
            loaded.format.get_or_insert(format);
            let doc = std::rc::Rc::new(doc);
            read.push(doc.clone());
            let found = formats::workloads(format, path, fs_path, text, doc, catalog, options)?;
            loaded.workloads.extend(found.workloads);
            loaded.errors.extend(found.errors);
            loaded.includes.extend(found.includes);
            loaded.notes.extend(found.notes);
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
    derive_evidence(&mut loaded.workloads, &locate);
    if loaded.format.is_none() {
        let why = "not a descriptor entitle reads (an ARM template, a Terraform plan, a CloudFormation template, Kubernetes manifests, a Deployment Manager configuration or an entitle descriptor)";
        if explicit {
            return Err(Error::new(Phase::Parse, ErrorKind::Shape(format!("{why}; nothing was checked"))).path(path));
        }
        loaded.skipped = Some(why.to_owned());
    }
    Ok(loaded)
}

/// What every front-end's workloads get alike: registration found in their boot
/// entries, and the line saying how their billing model was reached.
pub(crate) fn derive_evidence(workloads: &mut [Workload], locate: crate::registration::Locator) {
    crate::registration::scan(workloads, locate);
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
        }
    }
}
