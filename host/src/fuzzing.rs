//! Fuzzing entry points: one function per outside-text entry point, taking raw bytes and
//! feeding them through the real code path (parse and model, as `entitle facts` / `check`
//! would, without running policies, except for the guest-reply decoder). The same
//! functions run under libFuzzer (`fuzz/fuzz_targets/*.rs`, nightly) and on stable
//! (`host/tests/fuzz_corpus.rs` replays every corpus file and reproducer), so a crash
//! that was fixed stays fixed. They return nothing: an error for the input is the
//! expected outcome; a panic, an endless loop or a memory blow-up is the bug.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use entitle_sdk::{Date, EvaluationReply, PolicyMetadata, SettingsReply};
use serde_json::json;

use crate::check::{GuestView, Shared};
use crate::gate::{GateConfig, Waivers};
use crate::input::{InputFile, LoadedInput};
use crate::report::{self, Report};
use crate::{CacheMode, Format, LoadedCatalog, Policy, ReadOptions, Runtime, RuntimeOptions};

/// A fuzz target: raw bytes in, nothing out (a panic or a hang is the finding).
pub type Target = fn(&[u8]);

/// Every target, by name (the fuzz target and corpus directory names).
pub const TARGETS: &[(&str, Target)] = &[
    ("arm", arm),
    ("arm_expr", arm_expr),
    ("bicep", bicep),
    ("cfn", cfn),
    ("config", config),
    ("context", context),
    ("document", document),
    ("gcpdm", gcpdm),
    ("guest_reply", guest_reply),
    ("k8s", k8s),
    ("native", native),
    ("tfhcl", tfhcl),
    ("tfplan", tfplan),
    ("waivers", waivers),
];

/// The document layer: text decoding, JSON-with-comments / YAML sniffing and parsing
/// (the CloudFormation YAML dialect too), and position lookup of every value.
pub fn document(data: &[u8]) {
    let Ok(text) = crate::document::decode_text(data) else { return };
    if let Ok(docs) = crate::document::parse_text(text) {
        for doc in &docs {
            touch_positions(doc);
        }
    }
    if let Ok(docs) = crate::document::parse_yaml_cfn(text) {
        docs.iter().for_each(touch_positions);
    }
}

/// Looks up the position of every pointer of a parsed document, and of a pointer that
/// is not in it, as the front-ends do.
fn touch_positions(doc: &crate::document::Document) {
    let mut pointers = Vec::new();
    collect_pointers(&doc.value, String::new(), &mut pointers, 10_000);
    for p in &pointers {
        let _ = doc.position(p);
        let _ = doc.nearest_position(&format!("{p}/missing/0"));
    }
}

fn collect_pointers(v: &serde_json::Value, at: String, out: &mut Vec<String>, budget: usize) {
    if out.len() >= budget {
        return;
    }
    match v {
        serde_json::Value::Object(map) => {
            for (k, child) in map {
                collect_pointers(child, format!("{at}/{}", crate::document::escape_token(k)), out, budget);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collect_pointers(child, format!("{at}/{i}"), out, budget);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// An ARM template as a whole (parameters, variables, copy loops, nested deployments).
pub fn arm(data: &[u8]) {
    load_as(data, "template.json", &[Format::Arm, Format::ArmParameters]);
}

/// A CloudFormation template (JSON, or YAML with short-form tags).
pub fn cfn(data: &[u8]) {
    load_as(data, "template.yaml", &[Format::CloudFormation]);
}

/// A Terraform plan or state (`terraform show -json`, or its setup-terraform wrapping).
pub fn tfplan(data: &[u8]) {
    load_as(data, "plan.json", &[Format::TerraformPlan]);
}

/// Kubernetes / OpenShift / KubeVirt manifests.
pub fn k8s(data: &[u8]) {
    load_as(data, "manifests.yaml", &[Format::Kubernetes]);
}

/// A Deployment Manager configuration.
pub fn gcpdm(data: &[u8]) {
    load_as(data, "config.yaml", &[Format::GcpDeploymentManager]);
}

/// The entitle descriptor.
pub fn native(data: &[u8]) {
    load_as(data, "fleet.yaml", &[Format::Native]);
}

/// One ARM template expression: the bytes are the expression (brackets added when
/// missing), placed where templates put expressions (a variable the image SKU reads, a
/// resource name, a parameter default, a copy count), then the template is modelled.
pub fn arm_expr(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let expr = if text.starts_with('[') { text.to_owned() } else { format!("[{text}]") };
    let template = json!({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"p": {"type": "string", "defaultValue": expr}},
        "variables": {"e": expr, "image": {"publisher": "RedHat", "offer": "RHEL", "sku": "[variables('e')]"}},
        "resources": [{
            "type": "Microsoft.Compute/virtualMachines",
            "apiVersion": "2023-03-01",
            "name": expr,
            "copy": {"name": "c", "count": "[length(string(parameters('p')))]"},
            "properties": {"storageProfile": {"imageReference": {
                "publisher": "[variables('image').publisher]",
                "offer": "[parameters('p')]",
                "sku": "[variables('image').sku]",
                "version": expr,
            }}},
        }],
    });
    let text = serde_json::to_string_pretty(&template).expect("a JSON value serialises");
    load_as(text.as_bytes(), "template.json", &[Format::Arm]);
}

/// A Terraform module. Lines `#@file NAME` split the bytes into files of the module
/// (the part before the first marker is `main.tf`), so module calls, `.tfvars` and
/// `.tf.json` files are reached; names are kept inside the module's scratch directory.
pub fn tfhcl(data: &[u8]) {
    let Some(root) = write_tree(data, "module", "main.tf") else { return };
    read_and_model(&InputFile::named("module".into(), root));
}

/// A Bicep template with the files around it: lines `#@file NAME` split the bytes into
/// files (the part before the first marker is `main.bicep`), so local modules,
/// `.bicepparam` and parameters files, and files read by `loadTextContent` are reached.
pub fn bicep(data: &[u8]) {
    let Some(root) = write_tree(data, "bicep", "main.bicep") else { return };
    read_and_model(&InputFile::named("main.bicep".into(), root.join("main.bicep")));
}

/// Writes the files of `data` (split by `#@file NAME` lines; the part before the first
/// marker is `first`) into a fresh scratch directory `dir`: at most 16 files, names kept
/// inside it. `None` when the bytes are not text or the directory cannot be made.
fn write_tree(data: &[u8], dir: &str, first: &str) -> Option<PathBuf> {
    let text = std::str::from_utf8(data).ok()?;
    let root = scratch().join(dir);
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).ok()?;
    let mut name = first.to_owned();
    let mut body = String::new();
    let mut files = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(next) = line.strip_prefix("#@file ") {
            files.push((std::mem::replace(&mut name, next.trim().to_owned()), std::mem::take(&mut body)));
        } else {
            body.push_str(line);
        }
    }
    files.push((name, body));
    for (name, body) in files.iter().take(16) {
        let Some(relative) = contained(name) else { continue };
        let path = root.join(relative);
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = std::fs::write(&path, body);
    }
    Some(root)
}

/// A relative path of at most three plain components (no `..`, no root).
fn contained(name: &str) -> Option<PathBuf> {
    let path = Path::new(name);
    let plain = path.components().all(|c| matches!(c, std::path::Component::Normal(_)));
    (plain && (1..=3).contains(&path.components().count())).then(|| path.to_path_buf())
}

/// The org context file (`--context`).
pub fn context(data: &[u8]) {
    let path = write_scratch("context.yaml", data);
    let _ = crate::context::read(&path);
}

/// The waiver file, loaded and applied to a report with findings to match.
pub fn waivers(data: &[u8]) {
    let path = write_scratch("waivers.toml", data);
    if let Ok(waivers) = Waivers::load(&path) {
        let mut report = sample_report();
        waivers.apply(&mut report);
        render(&mut report);
    }
}

/// `entitle.toml`, loaded, validated against the loaded rules and applied.
pub fn config(data: &[u8]) {
    let path = write_scratch("entitle.toml", data);
    if let Ok(config) = GateConfig::load(&path) {
        let mut report = sample_report();
        let _ = config.validate(&report);
        config.apply(&mut report);
        render(&mut report);
    }
}

/// What a guest hands back: an evaluation reply (decoded, checked against the policy's
/// rules and the input's workloads, placed, and rendered in every report format), a
/// settings reply, and the metadata section a policy carries.
pub fn guest_reply(data: &[u8]) {
    let _ = serde_json::from_slice::<SettingsReply>(data);
    let _ = PolicyMetadata::parse(data);
    let Ok(EvaluationReply::Ok { findings }) = serde_json::from_slice::<EvaluationReply>(data) else { return };
    let fixture = fixture();
    let view = GuestView::new(&fixture.loaded);
    let mut report = Report::new(fixture.as_of, &fixture.catalog, &fixture.policies);
    report.add_input(&fixture.loaded);
    for policy in &fixture.policies {
        match crate::place::place(policy, &fixture.loaded, &view, findings.clone(), None) {
            Ok(placed) => report.findings.extend(placed),
            Err(e) => report.add_errors(vec![e]),
        }
    }
    render(&mut report);
}

/// Reads `data` as the input file `name` and models it, when its content is one of
/// `formats` (the other front-ends have targets of their own).
fn load_as(data: &[u8], name: &str, formats: &[Format]) {
    let wanted = match crate::document::decode_text(data) {
        Ok(text) => match crate::formats::tfplan::unwrap_setup_terraform(text) {
            Some(Ok(clean)) => detects(&clean, formats),
            Some(Err(_)) => false,
            None => detects(text, formats),
        },
        Err(_) => false,
    };
    if !wanted {
        return;
    }
    let path = write_scratch(name, data);
    read_and_model(&InputFile::named(name.into(), path));
}

fn detects(text: &str, formats: &[Format]) -> bool {
    crate::document::parse_text(text)
        .is_ok_and(|docs| docs.iter().any(|d| crate::formats::detect(d).is_some_and(|f| formats.contains(&f))))
}

/// The input's workloads as `check` reads them (run-wide passes included), the
/// request policies would receive, and the report without findings.
fn read_and_model(file: &InputFile) {
    let fixture = base();
    let mut errors = Vec::new();
    let loaded = crate::check::read_all(
        std::slice::from_ref(file),
        &fixture.catalog.catalog,
        &ReadOptions::default(),
        1,
        &mut errors,
    );
    let mut report = Report::new(fixture.as_of, &fixture.catalog, &[]);
    for input in &loaded {
        let view = GuestView::new(input);
        let context = serde_json::Value::Null;
        let shared =
            Shared { as_of: fixture.as_of, warn_within_days: 180, context: &context, deployment: &view.deployment };
        let _ = serde_json::to_vec(&shared).expect("the model serialises");
        report.add_input(input);
        errors.extend(input.errors.iter().map(crate::Error::copy));
    }
    report.add_errors(errors);
    render(&mut report);
}

/// Every report format (escaping and layout run on whatever the input made).
fn render(report: &mut Report) {
    report.finish();
    let _ = report.to_json();
    let _ = report::render_human(report, report::HumanStyle::Plain);
    let _ = report::render_sarif(report);
    let _ = report::render_junit(report);
    let _ = report::render_github(report);
    let _ = report::render_gitlab(report);
}

/// A report with the sample input's findings as the built-in policies make them, for the
/// waiver and config targets to match against.
fn sample_report() -> Report {
    let fixture = fixture();
    let mut report = Report::new(fixture.as_of, &fixture.catalog, &fixture.policies);
    report.add_input(&fixture.loaded);
    let view = GuestView::new(&fixture.loaded);
    for policy in &fixture.policies {
        let findings = fixture
            .loaded
            .workloads
            .iter()
            .filter_map(|w| {
                let rule = policy.metadata.rules.first()?;
                Some(entitle_sdk::Finding {
                    rule: rule.id.clone(),
                    workload: w.id.clone(),
                    field: "image".into(),
                    message: format!("sample finding of {}", rule.id),
                    severity: None,
                    evidence: Vec::new(),
                    fix: None,
                    context: None,
                })
            })
            .collect();
        if let Ok(placed) = crate::place::place(policy, &fixture.loaded, &view, findings, None) {
            report.findings.extend(placed);
        }
    }
    report
}

/// What every target shares: the built-in catalog and the evaluation date.
struct Base {
    catalog: LoadedCatalog,
    as_of: Date,
}

fn base() -> &'static Base {
    static BASE: OnceLock<Base> = OnceLock::new();
    BASE.get_or_init(|| Base { catalog: LoadedCatalog::builtin(), as_of: Date::parse("2026-11-25").expect("a date") })
}

/// What the reply, waiver and config targets add: the built-in policies and a modelled
/// input with alternatives (the SAP example), built once per process.
struct Fixture {
    catalog: LoadedCatalog,
    policies: Vec<Policy>,
    loaded: LoadedInput,
    as_of: Date,
}

/// Builds what the targets share (compiling the built-in policies takes a while in a
/// debug build), so that a caller timing each input does not time this.
pub fn warm_up() {
    base();
    fixture();
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let options = RuntimeOptions { cache: CacheMode::Disabled, ..RuntimeOptions::default() };
        let runtime = Runtime::new(options).expect("the wasm engine starts");
        let (policies, errors) = crate::load_policies(&runtime, true, &[]);
        assert!(errors.is_empty(), "built-in policies load: {errors:?}");
        let catalog = LoadedCatalog::builtin();
        let text = include_str!("../../examples/azure-sap-choice.json");
        let docs = crate::document::parse_text(text).expect("the example parses");
        let shown = "examples/azure-sap-choice.json";
        let options = ReadOptions::default();
        let loaded =
            crate::input::load_documents(shown, Path::new(shown), text, docs, true, &catalog.catalog, &options)
                .expect("the example models");
        Fixture { catalog, policies, loaded, as_of: base().as_of }
    })
}

/// Writes `data` to `name` in this thread's scratch directory (emptied first, so a file an
/// earlier input wrote is never read with this one).
fn write_scratch(name: &str, data: &[u8]) -> PathBuf {
    let dir = scratch().join("file");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(name);
    let _ = std::fs::write(&path, data);
    path
}

/// A scratch directory of this process and thread.
fn scratch() -> PathBuf {
    let thread = format!("{:?}", std::thread::current().id()).chars().filter(char::is_ascii_digit).collect::<String>();
    std::env::temp_dir().join(format!("entitle-fuzz-{}-{thread}", std::process::id()))
}
