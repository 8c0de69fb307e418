//! The CI report formats (SARIF, JUnit, GitHub, GitLab) rendered from real checks of
//! `examples/`: SARIF against the official schema, every format against the JSON
//! report the binary prints, and waivers, errors and hostile text in each.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use entitle::report::{
    Finding, InputInfo, ReportError, Suppression, SuppressionKind, render_github, render_gitlab, render_junit,
    render_sarif,
};
use entitle::{CacheMode, CheckOptions, Checker, LoadedCatalog, Phase, Report, Runtime, RuntimeOptions};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// `entitle check --format json --as-of 2026-11-25 examples/`, run from the workspace root.
fn binary_json() -> &'static Value {
    static JSON: OnceLock<Value> = OnceLock::new();
    JSON.get_or_init(|| {
        let out = Command::new(env!("CARGO_BIN_EXE_entitle"))
            .current_dir(root())
            .args(["check", "--format", "json", "--as-of", "2026-11-25", "examples/"])
            .output()
            .unwrap();
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    })
}

/// The same check through the library, as tests/summary.rs builds it (absolute paths).
fn absolute_report() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| {
        let cache = std::env::temp_dir().join("entitle-tests-cache");
        let runtime =
            Runtime::new(RuntimeOptions { cache: CacheMode::Dir(cache), ..RuntimeOptions::default() }).unwrap();
        let (policies, load_errors) = entitle::load_policies(&runtime, true, &[]);
        assert!(load_errors.is_empty(), "{load_errors:?}");
        let checker = Checker { runtime, policies, catalog: LoadedCatalog::builtin() };
        let (files, errors) = entitle::discover(&[root().join("examples")]);
        let options = CheckOptions { jobs: 2, ..CheckOptions::new("2026-11-25".parse().unwrap()) };
        checker.check(&files, errors, &options)
    })
}

/// The library report with paths relative to the workspace root, as the binary names them.
fn report() -> Report {
    let prefix = format!("{}/", root().display());
    let rel = |p: &mut String| *p = p.strip_prefix(&prefix).unwrap_or(p).to_owned();
    let mut report = absolute_report().clone();
    report.inputs.iter_mut().for_each(|i| rel(&mut i.path));
    for f in &mut report.findings {
        rel(&mut f.location.path);
        f.trail.iter_mut().for_each(|l| rel(&mut l.path));
    }
    report.errors.iter_mut().filter_map(|e| e.path.as_mut()).for_each(rel);
    report
}

fn sarif_validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: Value = serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).unwrap();
        // Draft-04 has no `uri-reference` format, so jsonschema would skip it: check
        // RFC 3986's character set (and well-formed percent escapes) ourselves.
        jsonschema::options()
            .should_validate_formats(true)
            .with_format("uri-reference", uri_reference)
            .build(&schema)
            .unwrap()
    })
}

/// Whether every character may stand in an RFC 3986 URI reference.
fn uri_reference(text: &str) -> bool {
    let b = text.as_bytes();
    (0..b.len()).all(|i| match b[i] {
        b'%' => b.len() > i + 2 && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit(),
        c => c.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&c),
    })
}

/// Parses SARIF text and asserts it is valid against the SARIF 2.1.0 schema.
fn valid_sarif(text: &str) -> Value {
    let log: Value = serde_json::from_str(text).unwrap();
    let errors: Vec<String> =
        sarif_validator().iter_errors(&log).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");
    log
}

/// `v` at a JSON pointer, `null` when absent.
fn at<'a>(v: &'a Value, pointer: &str) -> &'a Value {
    v.pointer(pointer).unwrap_or(&Value::Null)
}

fn xml(text: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("JUnit is not well-formed XML: {e}\n{text}"))
}

fn count(node: roxmltree::Node, tag: &str) -> usize {
    node.descendants().filter(|n| n.has_tag_name(tag)).count()
}

fn attr(node: roxmltree::Node, name: &str) -> usize {
    node.attribute(name).unwrap_or_else(|| panic!("no {name} on {node:?}")).parse().unwrap()
}

/// The first element `tag` whose attributes include `attrs`.
fn find<'a>(doc: &'a roxmltree::Document<'a>, tag: &str, attrs: &[(&str, &str)]) -> roxmltree::Node<'a, 'a> {
    let hit = |n: &roxmltree::Node| n.has_tag_name(tag) && attrs.iter().all(|(k, v)| n.attribute(*k) == Some(*v));
    doc.descendants().find(hit).unwrap_or_else(|| panic!("no <{tag}> with {attrs:?}"))
}

/// Asserts each suite's and the root's counts equal what their test cases hold.
fn assert_junit_counts(doc: &roxmltree::Document) {
    let root = doc.root_element();
    assert!(root.has_tag_name("testsuites"));
    for node in std::iter::once(root).chain(root.children().filter(|n| n.has_tag_name("testsuite"))) {
        assert_eq!(attr(node, "tests"), count(node, "testcase"), "{node:?}");
        for (key, tag) in [("failures", "failure"), ("errors", "error"), ("skipped", "skipped")] {
            assert_eq!(attr(node, key), count(node, tag), "{key} of {:?}", node.attribute("name"));
        }
    }
}

fn issues(report: &Report) -> Vec<Value> {
    serde_json::from_str(&render_gitlab(report)).expect("GitLab output is a JSON array")
}

#[test]
fn sarif_is_valid_and_places_results_where_the_json_report_does() {
    let (json, report) = (binary_json(), report());
    let log = valid_sarif(&render_sarif(&report));
    let run = &log["runs"][0];
    assert_eq!((&log["version"], &run["tool"]["driver"]["name"]), (&"2.1.0".into(), &"entitle".into()));
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), report.rules.len());
    assert!(rules.iter().any(|r| r["id"] == "ENTITLE-WAIVER-EXPIRED" && r["properties"]["policy"] == "entitle"));
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    let props = (&run["properties"]["asOf"], &run["properties"]["catalogVersion"], &run["properties"]["catalogSha256"]);
    assert_eq!(props, (&"2026-11-25".into(), &json["catalog"]["version"], &json["catalog"]["sha256"]));
    let results = run["results"].as_array().unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    for ((r, f), lib) in results.iter().zip(findings).zip(&report.findings) {
        assert_eq!(r["ruleId"], f["rule"]);
        assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"], f["rule"]);
        let level = if f["severity"] == "info" { "note" } else { f["severity"].as_str().unwrap() };
        assert_eq!(r["level"], level);
        let (artifact, region) =
            (at(r, "/locations/0/physicalLocation/artifactLocation"), at(r, "/locations/0/physicalLocation/region"));
        assert_eq!((&artifact["uri"], &artifact["uriBaseId"]), (&f["location"]["path"], &"%SRCROOT%".into()));
        assert_eq!((&region["startLine"], &region["startColumn"]), (&f["location"]["line"], &f["location"]["column"]));
        assert_eq!(r["partialFingerprints"]["entitle/v1"], lib.fingerprint.as_str());
        assert!(r["message"]["text"].as_str().unwrap().starts_with(f["message"].as_str().unwrap()));
        assert_eq!(r["suppressions"], serde_json::json!([]));
        assert_eq!(r["properties"]["alternative"], f["alternative"]);
        let trail = f["trail"].as_array().cloned().unwrap_or_default();
        let related = r["relatedLocations"].as_array().cloned().unwrap_or_default();
        assert_eq!(related.len(), trail.len());
        let said = match f["alternative"].as_str() {
            Some(when) => format!("value from here, if deployed with {when}"),
            None => "value from here".to_owned(),
        };
        for (rel, step) in related.iter().zip(&trail) {
            assert_eq!(
                (at(rel, "/physicalLocation/region/startLine"), &rel["message"]["text"]),
                (&step["line"], &said.clone().into())
            );
        }
    }
    assert!(results.iter().any(|r| r["relatedLocations"].is_array()), "examples/ has a finding with a trail");
    // The choice osImage = rhel-8.4 reads the `rhel-8.4` row (line 16), not the default's (15).
    let choice = results.iter().find(|r| r["properties"]["alternative"] == "parameter osImage = rhel-8.4").unwrap();
    assert_eq!(at(choice, "/relatedLocations/0/physicalLocation/region/startLine"), 16);
    // The validator is not vacuous: an unknown level and a path that is no URI fail.
    for (pointer, value) in [("/level", "fatal"), ("/locations/0/physicalLocation/artifactLocation/uri", "a b\\c")] {
        let mut bad = log.clone();
        *bad.pointer_mut(&format!("/runs/0/results/0{pointer}")).unwrap() = value.into();
        assert!(!sarif_validator().is_valid(&bad), "{pointer} = {value}");
    }
    // Absolute paths (the library run names them so) become `file:` URIs, with no base.
    let log = valid_sarif(&render_sarif(absolute_report()));
    let artifact = at(&log, "/runs/0/results/0/locations/0/physicalLocation/artifactLocation");
    assert!(artifact["uri"].as_str().unwrap().starts_with("file:///") && artifact.get("uriBaseId").is_none());
}

#[test]
fn github_annotations_carry_file_line_and_column() {
    let json = binary_json();
    let text = render_github(&report());
    let lines: Vec<&str> = text.lines().collect();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(lines.len(), findings.len() + 1, "{text}");
    for (line, f) in lines.iter().zip(findings) {
        let kind = if f["severity"] == "info" { "notice" } else { f["severity"].as_str().unwrap() };
        let (l, path, rule) = (&f["location"], at(f, "/location/path").as_str().unwrap(), f["rule"].as_str().unwrap());
        let head = format!("::{kind} file={path},line={},col={},title={rule}::", l["line"], l["column"]);
        assert!(line.starts_with(&head) && (f["fix"].is_null() || line.contains(" Fix: ")), "{line}\nexpected {head}");
    }
    let last = lines.last().unwrap();
    assert!(last.starts_with("::notice title=entitle::entitle: "), "{last}");
    for key in ["error", "warning", "info", "waived"] {
        assert!(last.contains(&format!("{} {key}", json["summary"][key])), "{key} in {last}");
    }
    assert!(last.contains("as of 2026-11-25") && last.contains(json["catalog"]["version"].as_str().unwrap()), "{last}");
}

#[test]
fn junit_is_well_formed_and_counts_match() {
    let (json, report) = (binary_json(), report());
    let text = render_junit(&report);
    let doc = xml(&text);
    assert_junit_counts(&doc);
    let suites: Vec<_> = doc.root_element().children().filter(|n| n.has_tag_name("testsuite")).collect();
    let inputs: Vec<&str> = json["inputs"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap()).collect();
    assert_eq!(suites.iter().map(|s| s.attribute("name").unwrap()).collect::<Vec<_>>(), inputs);
    let rules: Vec<&str> = report.rules.iter().filter(|(p, _)| p != "entitle").map(|(_, r)| r.id.as_str()).collect();
    for suite in &suites {
        let cases = suite.children().filter(|n| n.has_tag_name("testcase"));
        assert_eq!(cases.map(|n| n.attribute("name").unwrap()).collect::<Vec<_>>(), rules);
        let as_of = suite.descendants().find(|n| n.has_tag_name("property") && n.attribute("name") == Some("as_of"));
        assert_eq!(as_of.and_then(|n| n.attribute("value")), Some("2026-11-25"));
    }
    let key = |f: &Value| (f["location"]["path"].as_str().unwrap().to_owned(), f["rule"].as_str().unwrap().to_owned());
    let findings = json["findings"].as_array().unwrap().iter();
    let expected: BTreeSet<_> =
        findings.filter(|f| f["severity"] != "info" && f.get("suppression").is_none()).map(key).collect();
    let failing: BTreeSet<(String, String)> = (doc.descendants().filter(|n| n.has_tag_name("failure")))
        .map(|n| n.parent().unwrap())
        .map(|c| (c.attribute("classname").unwrap().to_owned(), c.attribute("name").unwrap().to_owned()))
        .collect();
    assert_eq!(failing, expected);
    assert_eq!(attr(doc.root_element(), "failures"), expected.len());
    assert_eq!(attr(doc.root_element(), "tests"), inputs.len() * rules.len());
}

#[test]
fn gitlab_has_one_entry_per_active_finding() {
    let json = binary_json();
    let issues = issues(&report());
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(issues.len(), findings.len());
    let mut fingerprints = BTreeSet::new();
    let severities = [("error", "critical"), ("warning", "major"), ("info", "info")];
    for (issue, f) in issues.iter().zip(findings) {
        let severity = severities.iter().find(|s| f["severity"] == s.0).map(|s| s.1);
        assert_eq!((&issue["check_name"], issue["severity"].as_str()), (&f["rule"], severity));
        let (path, begin) = (at(issue, "/location/path"), at(issue, "/location/lines/begin"));
        assert_eq!((path, begin), (&f["location"]["path"], &f["location"]["line"]));
        let fp = issue["fingerprint"].as_str().unwrap();
        assert!(fp.len() == 32 && fp.bytes().all(|b| b.is_ascii_hexdigit()), "{fp}");
        assert!(fingerprints.insert(fp.to_owned()), "duplicate fingerprint {fp}");
    }
}

#[test]
fn suppressed_findings_are_shown_as_waived_and_do_not_fail() {
    let mut report = report();
    // Two findings, each the only one of its rule in its file (so the test case is theirs alone).
    let alone = |f: &&Finding| {
        report.findings.iter().filter(|g| (&g.rule, &g.location.path) == (&f.rule, &f.location.path)).count() == 1
    };
    let lone: Vec<usize> = (0..report.findings.len()).filter(|&i| alone(&&report.findings[i])).take(2).collect();
    let (w, i, reason) = (lone[0], lone[1], "migration to RHEL 9 planned for Q1");
    let (owner, ticket, expires) =
        (Some("platform-team".to_owned()), Some("OPS-1".to_owned()), "2027-03-31".parse().ok());
    let waiver =
        Suppression { kind: SuppressionKind::Waiver, reason: reason.into(), owner, ticket, expires, location: None };
    let inline =
        Suppression { kind: SuppressionKind::Inline, reason: "accepted in the template".into(), ..waiver.clone() };
    (report.findings[w].suppression, report.findings[i].suppression) = (Some(waiver), Some(inline));
    report.finish(); // sorts by location, which no suppression changes: `w` and `i` still point at them
    let (fw, fi) = (&report.findings[w].clone(), &report.findings[i].clone());
    assert_eq!((report.summary.waived, fw.suppression.as_ref().unwrap().reason.as_str()), (2, reason));
    let log = valid_sarif(&render_sarif(&report));
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), report.findings.len(), "suppressed results stay in SARIF");
    let s = &results[w]["suppressions"][0];
    assert_eq!(
        (&s["kind"], &s["status"], &s["justification"]),
        (&"external".into(), &"accepted".into(), &reason.into())
    );
    assert_eq!(results[i]["suppressions"][0]["kind"], "inSource");
    let github = render_github(&report);
    for f in [fw, fi] {
        let place = format!("file={},line={},col={}", f.location.path, f.location.line, f.location.column);
        let lines: Vec<&str> = github.lines().filter(|l| l.contains(&place)).collect();
        assert!(lines.len() == 1 && lines[0].starts_with("::notice ") && lines[0].contains("waived"), "{github}");
    }
    assert!(github.contains(&format!("waived ({}): {reason}; owner platform-team", fw.severity)), "{github}");
    let junit = render_junit(&report);
    let doc = xml(&junit);
    assert_junit_counts(&doc);
    for f in [fw, fi] {
        let case = find(&doc, "testcase", &[("classname", &f.location.path), ("name", &f.rule)]);
        assert_eq!((count(case, "failure"), count(case, "skipped")), (0, 1), "{f:?}");
    }
    find(&doc, "skipped", &[("message", &format!("waived: {reason}"))]);
    let failing = report.findings.iter().filter(|f| f.suppression.is_none() && f.severity.as_str() != "info");
    assert_eq!(attr(doc.root_element(), "failures"), failing.count());
    assert_eq!(issues(&report).len(), report.findings.iter().filter(|f| f.suppression.is_none()).count());
    // A baselined finding says so, and is external to the source too.
    report.findings[w].suppression.as_mut().unwrap().kind = SuppressionKind::Baseline;
    report.finish();
    assert!(render_github(&report).contains(&format!("baselined ({}): {reason}", fw.severity)));
    assert_eq!(valid_sarif(&render_sarif(&report))["runs"][0]["results"][w]["suppressions"][0]["kind"], "external");
    find(&xml(&render_junit(&report)), "skipped", &[("message", &format!("baselined: {reason}"))]);
}

#[test]
fn errors_and_skipped_or_empty_inputs_appear_in_every_format() {
    let mut report = report();
    let broken = "examples/broken.json";
    let (phase, message, line, column, pointer) =
        (Phase::Config, "the settings file is not an object".into(), None, None, None);
    let config = ReportError { path: None, policy: None, phase, message, line, column, pointer };
    let mut parse = config.clone();
    (parse.path, parse.phase, parse.line, parse.column) = (Some(broken.into()), Phase::Parse, Some(3), Some(5));
    report.errors.extend([parse, config]);
    for (path, skipped) in
        [(broken, None), ("examples/notes.yaml", Some("no descriptor")), ("examples/empty.json", None)]
    {
        let skipped = skipped.map(Into::into);
        report.inputs.push(InputInfo { path: path.into(), workloads: 0, skipped, ..report.inputs[0].clone() });
    }
    report.finish();
    let log = valid_sarif(&render_sarif(&report));
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    let levels: Vec<&str> = notes.iter().map(|n| n["level"].as_str().unwrap()).collect();
    assert_eq!(levels, ["error", "error", "note"], "two errors, then the input that was not checked");
    assert_eq!(
        (at(&notes[2], "/message/text"), at(&notes[2], "/locations/0/physicalLocation/artifactLocation/uri")),
        (&"not checked: no descriptor".into(), &"examples/notes.yaml".into())
    );
    let physical = at(
        notes.iter().find(|n| n["level"] == "error" && n["locations"].is_array()).unwrap(),
        "/locations/0/physicalLocation",
    );
    let region = (at(physical, "/region/startLine"), at(physical, "/region/startColumn"));
    assert_eq!((at(physical, "/artifactLocation/uri"), region), (&broken.into(), (&3.into(), &5.into())));
    let junit = render_junit(&report);
    let doc = xml(&junit);
    assert_junit_counts(&doc);
    assert_eq!(attr(doc.root_element(), "errors"), 2);
    assert_eq!(count(find(&doc, "testcase", &[("classname", broken), ("name", "entitle:parse")]), "error"), 1);
    assert_eq!(count(find(&doc, "testcase", &[("classname", "entitle"), ("name", "entitle:config")]), "error"), 1);
    let skipped = find(&doc, "testsuite", &[("name", "examples/notes.yaml")]);
    assert_eq!((attr(skipped, "tests"), attr(skipped, "skipped")), (1, 1));
    let empty = find(&doc, "testsuite", &[("name", "examples/empty.json")]);
    assert!(attr(empty, "tests") > 0 && attr(empty, "failures") + attr(empty, "errors") + attr(empty, "skipped") == 0);
    let github = render_github(&report);
    let heads = [
        "::error file=examples/broken.json,line=3,col=5,title=entitle%3Aparse::",
        "::error title=entitle%3Aconfig::",
        "::notice file=examples/notes.yaml,",
    ];
    for head in heads {
        assert!(github.lines().any(|l| l.starts_with(head)), "{head}\n{github}");
    }
    let blockers: Vec<Value> = issues(&report).into_iter().filter(|g| g["severity"] == "blocker").collect();
    assert_eq!(blockers.len(), 1, "errors without a file are left out");
    let b = &blockers[0];
    assert_eq!(
        (&b["check_name"], at(b, "/location/path"), at(b, "/location/lines/begin")),
        (&"entitle:parse".into(), &broken.into(), &3.into())
    );
    let not_checked: Vec<Value> =
        issues(&report).into_iter().filter(|g| g["check_name"] == "entitle:not-checked").collect();
    assert_eq!(not_checked.len(), 1);
    assert_eq!(
        (&not_checked[0]["severity"], at(&not_checked[0], "/location/path"), &not_checked[0]["description"]),
        (&"info".into(), &"examples/notes.yaml".into(), &"not checked: no descriptor".into())
    );
}

#[test]
fn hostile_text_is_escaped_in_every_format() {
    let mut report = report();
    let message = "bad & <worse> \"q\" 'a' 100% done\r\nline two ::error::injected, a:b \u{1}\u{7f} end";
    let path = "examples/odd dir/a,b:c%.json";
    (report.findings[0].message, report.findings[0].location.path) = (message.into(), path.into());
    report.finish();
    let rule = report.findings.iter().find(|f| f.location.path == path).unwrap().rule.clone();
    let github = render_github(&report);
    assert_eq!(github.lines().count(), report.findings.len() + 1, "{github}");
    let line = github.lines().find(|l| l.contains("file=examples/odd dir/a%2Cb%3Ac%25.json,line=")).unwrap();
    assert!(line.contains("100%25 done%0D%0Aline two ::error::injected, a:b"), "{line}");
    let junit = render_junit(&report);
    let doc = xml(&junit);
    assert_junit_counts(&doc);
    let shown = find(&doc, "testcase", &[("classname", path), ("name", &rule)]).first_element_child().unwrap();
    let shown = shown.attribute("message").map_or_else(|| shown.text().unwrap().to_owned(), str::to_owned);
    let expected = "bad & <worse> \"q\" 'a' 100% done\r\nline two ::error::injected, a:b \\u{1}\u{7f} end";
    assert!(shown.contains(expected), "{shown:?}");
    let sarif = render_sarif(&report);
    valid_sarif(&sarif);
    assert!(sarif.contains(r#""uri": "examples/odd%20dir/a,b%3Ac%25.json""#), "{sarif}");
    assert!(issues(&report).iter().any(|g| g["description"].as_str().unwrap().starts_with(message)));
}
