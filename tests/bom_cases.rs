//! Golden BOMs (`entitle bom` as table, JSON and CSV) of the bundled examples against the
//! shortfall context, the JBoss clustered corpus templates with the BYOS choice against one
//! node-pair subscription, and a plan growing BYOS instances; `ENTITLE_BLESS=1` rewrites them.
//! The catalog digest is blanked so a catalog edit does not churn them.

use entitle::LoadedCatalog;
use entitle::bom::{self, Bom};

use crate::support::{compare, root};

struct Case {
    name: &'static str,
    paths: &'static [&'static str],
    context: Option<&'static str>,
    read: fn() -> entitle::ReadOptions,
}

const CASES: &[Case] = &[
    Case { name: "examples", paths: &["examples"], context: Some("examples/.org-context-shortfall.yaml"), read: none },
    Case {
        name: "jboss-byos",
        paths: &[
            "../shared/corpus/real/arm/aqt-2022/jboss-eap-clustered-multivm-rhel",
            "../shared/corpus/real/arm/aqt-2022/jboss-eap-clustered-vmss-rhel",
        ],
        context: Some("host/tests/data/bom/one-node-pair.yaml"),
        read: jboss,
    },
    Case { name: "plan-grow", paths: &["host/tests/data/bom/grow-2-to-8.tfplan.json"], context: None, read: amis },
];

fn none() -> entitle::ReadOptions {
    entitle::ReadOptions::default()
}

fn jboss() -> entitle::ReadOptions {
    entitle::ReadOptions { params: Some(root().join("host/tests/data/bom/jboss-byos.parameters.json")), ..none() }
}

fn amis() -> entitle::ReadOptions {
    let path = root().join("host/tests/data/describe-images.json");
    let amis = entitle::formats::amis::AmiCatalog::load(&path).unwrap();
    entitle::ReadOptions { amis: Some(std::sync::Arc::new(amis)), ..none() }
}

/// The BOM of a case (absolute paths; the caller shows them relative to the root).
fn bom_of(case: &Case) -> Bom {
    let catalog = LoadedCatalog::builtin();
    let read = (case.read)();
    let workloads = |read: &entitle::ReadOptions| {
        let (files, mut errors) = entitle::discover(&case.paths.iter().map(|p| root().join(p)).collect::<Vec<_>>());
        let loaded = entitle::read_all(&files, &catalog.catalog, read, 1, &mut errors);
        assert!(errors.is_empty(), "{}: {errors:?}", case.name);
        loaded.into_iter().flat_map(|l| l.workloads).collect::<Vec<_>>()
    };
    let context =
        case.context.map(|c| serde_json::from_value(entitle::context::read(&root().join(c)).unwrap()).unwrap());
    let as_of = entitle_sdk::Date::parse("2026-11-25").unwrap();
    let now = workloads(&read);
    let mut out = bom::build(&bom::Inputs { workloads: &now, catalog: &catalog, as_of, context: context.as_ref() });
    if case.name == "plan-grow" {
        let before = workloads(&entitle::ReadOptions { plan_before: true, ..read });
        let before = bom::build(&bom::Inputs { workloads: &before, catalog: &catalog, as_of, context: None });
        out.delta = Some(bom::compare("the Terraform plan's before", &before.totals, &out.totals));
    }
    out.catalog_sha256 = "<catalog>".into();
    out.tool_version = "<version>".into();
    out
}

#[test]
fn bom_golden_cases() {
    // Paths are shown relative to the workspace root, as a user there types them.
    let prefix = format!("{}/", root().display());
    let mut failures = Vec::new();
    for case in CASES {
        let bom = bom_of(case);
        let dir = root().join("tests/bom");
        let outputs = [
            ("txt", bom::render_table(&bom)),
            ("json", bom::render_json(&bom).unwrap()),
            ("csv", bom::render_csv(&bom)),
        ];
        for (ext, text) in outputs {
            failures.extend(compare(&dir.join(format!("{}.{ext}", case.name)), &text.replace(&prefix, "")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The README's BOM of the examples is the golden one, so the README stays true.
#[test]
fn the_readme_shows_the_examples_bom_as_it_prints() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let golden = std::fs::read_to_string(root().join("tests/bom/examples.txt")).unwrap();
    let block = format!(
        "$ entitle bom --as-of 2026-11-25 --context examples/.org-context-shortfall.yaml examples/\n{golden}```"
    );
    assert!(readme.contains(&block), "README.md's `entitle bom` output differs from tests/bom/examples.txt");
}
