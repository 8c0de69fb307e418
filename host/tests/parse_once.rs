//! Every input is parsed once: placing findings and reading inline waivers (comments and resource metadata) use the
//! first parse, never a second read of the file. A test binary of its own, because the parse counter is per process.

use std::path::PathBuf;

use entitle::gate::GateOptions;
use entitle::{CheckOptions, LoadedCatalog};
use serde_json::{Value, json};

mod setup;
use setup::{builtin_checker, fresh_dir};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

const IGNORE: &str = "entitle:ignore RHEL-LC-MAJOR-EOL legacy app until=2099-12-31";

/// A one-line plan of one RHEL 7.2 VM (no comments: plans have none).
fn plan() -> String {
    "{\"format_version\":\"1.2\",\"resource_changes\":[{\"address\":\"azurerm_linux_virtual_machine.db\",\
     \"mode\":\"managed\",\"type\":\"azurerm_linux_virtual_machine\",\"name\":\"db\",\"change\":{\"actions\":[\"create\"],\
     \"before\":null,\"after\":{\"location\":\"westeurope\",\"source_image_reference\":[{\"publisher\":\"RedHat\",\
     \"offer\":\"RHEL\",\"sku\":\"7.2\",\"version\":\"latest\"}]},\"after_unknown\":{}}}]}"
        .to_owned()
}

/// The parse counter is per process: the tests of this binary take turns.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn each_input_is_parsed_once_and_inline_waivers_come_from_that_parse() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = fresh_dir("parse-once");
    let arm = std::fs::read_to_string(root().join("examples/azure-rhel7-payg.json")).unwrap();
    // A JSONC comment on the line above the finding's `sku`.
    let mut lines: Vec<String> = arm.lines().map(str::to_owned).collect();
    lines.insert(16, format!("          // {IGNORE}"));
    std::fs::write(dir.join("commented.json"), lines.join("\n")).unwrap();
    // Strict JSON: the waiver in the resource's metadata.
    let mut strict: Value =
        serde_json::from_str(&arm.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<String>()).unwrap();
    strict["resources"][0]["metadata"] =
        json!({"entitle": {"ignore": [{"rule": "RHEL-LC-MAJOR-EOL", "reason": "legacy app", "until": "2099-12-31"}]}});
    std::fs::write(dir.join("strict.json"), serde_json::to_string_pretty(&strict).unwrap()).unwrap();
    std::fs::write(dir.join("plan.json"), plan()).unwrap();
    let fleet =
        format!("entitle: 1\nworkloads:\n  - id: a\n    # {IGNORE}\n    os: {{product: rhel, version: \"6.10\"}}\n");
    std::fs::write(dir.join("fleet.yaml"), fleet).unwrap();

    let checker = builtin_checker();
    let (files, errors) = entitle::discover(std::slice::from_ref(&dir));
    assert_eq!(files.len(), 4);
    let options = CheckOptions { jobs: 2, ..CheckOptions::new("2026-11-25".parse().unwrap()) };

    let before = entitle::document::parse_count();
    let mut report = checker.check(&files, errors, &options);
    entitle::gate::apply(&mut report, &GateOptions::default());
    let parses = entitle::document::parse_count() - before;

    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let waived: Vec<(String, Option<u32>)> = report
        .findings
        .iter()
        .filter(|f| f.rule == "RHEL-LC-MAJOR-EOL")
        .map(|f| {
            let name = f.location.path.rsplit('/').next().unwrap().to_owned();
            (name, f.suppression.as_ref().and_then(|s| s.location.as_ref()).map(|l| l.line))
        })
        .collect();
    let strict_line =
        serde_json::to_string_pretty(&strict).unwrap().lines().position(|l| l.contains("\"reason\"")).unwrap();
    assert_eq!(
        waived,
        [
            ("commented.json".to_owned(), Some(17)),
            ("fleet.yaml".to_owned(), Some(4)),
            ("plan.json".to_owned(), None),
            // The metadata item's position: the line of its opening brace, just above its first member.
            ("strict.json".to_owned(), Some(strict_line as u32)),
        ]
    );
    assert_eq!(parses, 4, "each of the 4 inputs is parsed once, and nothing is parsed at report time");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A YAML stream of many CloudFormation templates is read twice in all (plainly, then once
/// with the short-form tags as long forms), not once more per template: a 355 KB stream of
/// 4,000 templates took 46 s when each template re-read the whole stream.
#[test]
fn a_stream_of_templates_is_read_with_long_forms_once() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let templates = 300;
    let text: String = (0..templates)
        .map(|i| {
            format!(
                "---\nAWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Vm{i}:\n    Type: AWS::EC2::Instance\n    \
                 Properties:\n      ImageId: !Ref Image\n      InstanceType: m5.large\n"
            )
        })
        .collect();
    let catalog = LoadedCatalog::builtin();
    let options = entitle::ReadOptions::default();
    let before = entitle::document::parse_count();
    let docs = entitle::document::parse_text_with_comments(&text).unwrap().0;
    let loaded = entitle::load_documents(
        "stream.yaml",
        std::path::Path::new("stream.yaml"),
        &text,
        docs,
        true,
        &catalog.catalog,
        &options,
    )
    .unwrap();
    let parses = entitle::document::parse_count() - before;
    assert_eq!(loaded.workloads.len(), templates);
    assert_eq!(parses, 2, "one plain parse and one long-form parse for the whole stream");
    // Each template's workload comes from its own document.
    let last = &loaded.workloads[templates - 1];
    assert!(last.id.contains(&format!("Vm{}", templates - 1)), "{}", last.id);
}
