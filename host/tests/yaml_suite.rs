//! The document layer against the official YAML test suite (yaml/yaml-test-suite, MIT; the cases are generated into
//! `yaml_suite/cases.json` by `yaml_suite/generate.py`): every input the suite calls an error must be a syntax error,
//! every other must parse, and where the suite gives the JSON it means, the documents must equal it. Cases known to
//! differ are listed with the reason; the test fails when another case fails, and when a listed case starts passing
//! (so the list stays true).

use std::collections::BTreeMap;

use entitle::document::parse_yaml;
use serde_json::Value;

/// Cases the document layer is known to read differently from the suite, with why.
const KNOWN: &[(&str, &str)] = &[];

fn verdict(yaml: &str, error: bool, json: Option<&str>) -> Result<(), String> {
    let parsed = parse_yaml(yaml);
    match (parsed, error) {
        (Err(_), true) => Ok(()),
        (Ok(_), true) => Err("parsed, but the suite says it is an error".to_owned()),
        (Err(e), false) => Err(format!("rejected: {e}")),
        (Ok(docs), false) => {
            let Some(json) = json else { return Ok(()) };
            let expected: Vec<Value> = serde_json::Deserializer::from_str(json)
                .into_iter::<Value>()
                .collect::<Result<_, _>>()
                .map_err(|e| format!("the suite's JSON does not parse: {e}"))?;
            let actual: Vec<Value> = docs.into_iter().map(|doc| numbers_as_floats(doc.value)).collect();
            let expected: Vec<Value> = expected.into_iter().map(numbers_as_floats).collect();
            if actual == expected {
                Ok(())
            } else {
                Err(format!("values differ: got {actual:?}, expected {expected:?}"))
            }
        }
    }
}

/// Numbers compared by value: the suite's JSON writes `450.00` as `450`, the document layer keeps it a float.
fn numbers_as_floats(value: Value) -> Value {
    match value {
        Value::Number(n) => n.as_f64().map_or(Value::Number(n), Value::from),
        Value::Array(items) => Value::Array(items.into_iter().map(numbers_as_floats).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, numbers_as_floats(v))).collect()),
        other => other,
    }
}

#[test]
fn yaml_test_suite() {
    let text = include_str!("yaml_suite/cases.json");
    let suite: Value = serde_json::from_str(text).expect("cases.json parses");
    let cases = suite["cases"].as_array().expect("cases");
    let known: BTreeMap<&str, &str> = KNOWN.iter().copied().collect();
    let (mut passed, mut unexpected, mut fixed) = (0, Vec::new(), Vec::new());
    for case in cases {
        let id = case["id"].as_str().expect("id");
        let yaml = case["yaml"].as_str().expect("yaml");
        let error = case["error"].as_bool().expect("error");
        let result = verdict(yaml, error, case["json"].as_str());
        match (result, known.contains_key(id)) {
            (Ok(()), false) => passed += 1,
            (Ok(()), true) => fixed.push(id),
            (Err(_), true) => {}
            (Err(why), false) => unexpected.push(format!("{id} ({}): {why}", case["name"].as_str().unwrap_or(""))),
        }
    }
    eprintln!(
        "yaml-test-suite {}: {passed} of {} cases pass, {} known to differ",
        suite["commit"].as_str().unwrap_or("?"),
        cases.len(),
        known.len()
    );
    assert!(unexpected.is_empty(), "{} cases fail:\n{}", unexpected.len(), unexpected.join("\n"));
    assert!(fixed.is_empty(), "known-failing cases now pass; remove them from KNOWN: {fixed:?}");
}
