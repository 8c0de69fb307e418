//! Tests of the YAML layer: positions, anchors and merges, bounds on hostile nesting.
use super::*;
use serde_json::json;

/// Asserts `(pointer, line, column)` positions in `doc`.
fn assert_positions(doc: &Document, expected: &[(&str, u32, u32)]) {
    for &(pointer, line, column) in expected {
        assert_eq!(doc.position(pointer), Some(Position { line, column }), "at {pointer:?}");
    }
}

/// Pins saphyr-parser's marker convention: 1-based line, 0-based column in chars, index in chars.
#[test]
fn marker_convention() {
    let mut parser = Parser::new_from_str("é: 1\nb: x\n");
    let mut marks = Vec::new();
    while let Some(event) = parser.next_event() {
        if let (Event::Scalar(text, ..), span) = event.expect("parses") {
            marks.push((text.into_owned(), span.start.line(), span.start.col(), span.start.index()));
        }
    }
    assert_eq!(marks[3], ("x".to_owned(), 2, 3, 8));
}

const STREAM: &str = "---\nbase: &base\n  image: rhel:9\n  replicas: 2\nextra: &extra {cpu: 1, replicas: 9}\n\
    app:\n  <<: [*base, *extra]\n  replicas: 3\n  os: << OS_NAME >>\n  name: ${NAME}\ncopy: *base\n\
    both: {<<: [*extra, *base]}\n--- # second\n- !Ref MyBucket\n\
    - {ключ: \"значение\", n: 0x1F, o: 0o17, f: 1.5e3, t: True, z: ~, i: .inf, q: '12', s: !!str 12, e: -7}\n\
    - |\n  literal\n- ! 12\n- [1e400, 1_000, 012, +.5, 1., 'x': y]\n";

#[test]
fn stream_with_anchors_merges_and_placeholders() {
    let docs = parse_yaml(STREAM).expect("parses");
    assert_eq!(docs.len(), 2);
    let app = json!({"image": "rhel:9", "replicas": 3, "cpu": 1, "os": "<< OS_NAME >>", "name": "${NAME}"});
    assert_eq!(docs[0].value["app"], app);
    assert_eq!(docs[0].value["copy"], json!({"image": "rhel:9", "replicas": 2}));
    assert_eq!(docs[0].value["both"], json!({"image": "rhel:9", "replicas": 9, "cpu": 1}));
    let merged = [("/app", 7, 3), ("/app/image", 7, 8), ("/app/cpu", 7, 15), ("/both/replicas", 12, 13)];
    let plain = [("", 2, 1), ("/base/image", 3, 10), ("/extra", 5, 15), ("/extra/replicas", 5, 34)];
    let placeholders = [("/app/replicas", 8, 13), ("/app/os", 9, 7), ("/app/name", 10, 9)];
    let aliased = [("/copy", 11, 7), ("/copy/image", 11, 7)];
    for expected in [&merged[..], &plain, &placeholders, &aliased] {
        assert_positions(&docs[0], expected);
    }
    let object = json!({"ключ": "значение", "n": 31, "o": 15, "f": 1500.0, "t": true, "z": null, "i": ".inf",
        "q": "12", "s": "12", "e": -7});
    let mixed = json!(["1e400", "1_000", 12, 0.5, 1.0, {"x": "y"}]);
    assert_eq!(docs[1].value, json!(["MyBucket", object, "literal\n", "12", mixed]));
    assert_positions(&docs[1], &[("", 14, 1), ("/0", 14, 8), ("/1/ключ", 15, 10), ("/1/n", 15, 25), ("/2", 17, 3)]);
    let sub = docs[1].subdocument("/1").expect("sub");
    assert_positions(&sub, &[("", 15, 3), ("/n", 15, 25)]);
}

#[test]
fn keys_nested_in_keys_stay_bounded() {
    // Found by the `native` fuzz target: every level escaped the key inside it again.
    let text = format!("{}x\n", "? ".repeat(64));
    let docs = parse_yaml(&text).expect("parses");
    let longest = longest_key(&docs[0].value);
    assert!(longest <= MAX_KEY + '…'.len_utf8(), "{longest}");
}

fn longest_key(v: &Value) -> usize {
    match v {
        Value::Object(map) => map.iter().map(|(k, v)| k.len().max(longest_key(v))).max().unwrap_or(0),
        Value::Array(items) => items.iter().map(longest_key).max().unwrap_or(0),
        _ => 0,
    }
}

#[test]
fn keys_bom_crlf_and_empty_values() {
    let text = "\u{FEFF}a/b:\r\n  c~d: 1\r\nempty:\r\nnext: x\r\n1: one\r\ntrue: t\r\n? [p, q]\r\n: pq\r\nnext: y\r\n";
    let doc = &parse_yaml(text).expect("parses")[0];
    let expected =
        json!({"a/b": {"c~d": 1}, "empty": null, "next": "y", "1": "one", "true": "t", "[\"p\",\"q\"]": "pq"});
    assert_eq!(doc.value, expected);
    assert_positions(doc, &[("/a~1b", 2, 3), ("/a~1b/c~0d", 2, 8), ("/empty", 3, 1), ("/next", 9, 7)]);
    assert!(parse_yaml("").expect("empty").is_empty());
    assert!(parse_yaml("# only a comment\n").expect("comment").is_empty());
}

#[test]
fn errors_carry_positions() {
    let error = parse_yaml("a: [1\nb: 2\n").expect_err("unterminated flow");
    assert_eq!((error.line, error.column), (2, 2));
    let error = parse_yaml("a: 1\nb: *nope\n").expect_err("unknown alias");
    assert!(error.line == 2 && error.message.contains("unknown anchor"), "{error}");
    assert_eq!(parse_yaml("- a\nb: c\n").expect_err("mixed").line, 2);
    let deep: String = (0..600).map(|depth| format!("{}k:\n", " ".repeat(depth))).collect();
    assert!(parse_yaml(&deep).expect_err("deep").message.contains("nesting is deeper"));
    let deep = format!("{}{}", "[".repeat(600), "]".repeat(600));
    assert!(parse_yaml(&deep).expect_err("deep flow").message.contains("recursion limit"));
}

/// Regression (issue 14): a deep block stream overflowed the stack inside the parser before the depth check ran.
#[test]
fn deep_block_nesting_is_an_error_not_a_crash() {
    let sequence = format!("{}x\n", "- ".repeat(10_000));
    let error = parse_yaml(&sequence).expect_err("deep sequence");
    assert!(error.message.contains("nesting is deeper") && error.line == 1, "{error}");
    let mapping: String = (0..3_000).map(|depth| format!("{}k:\n", " ".repeat(depth))).collect();
    let error = parse_yaml_cfn(&mapping).expect_err("deep mapping");
    assert!(error.message.contains("nesting is deeper") && error.line == 513, "{error}");
    let flow = format!("a: {}", "[{a: ".repeat(50_000));
    assert!(parse_yaml(&flow).is_err());
}

/// Regression (issue 22): YAML 1.2 single-pair mappings in flow sequences (CloudFormation `!Sub [text, {vars}]`
/// written without braces), and tab errors reported at the tab, not a line above it.
#[test]
fn single_pair_flow_mappings_and_tab_errors() {
    let text = "Arn: !Sub [\"arn:${Table}\", Table: !If [C, !Ref A, b]]\n";
    let doc = &parse_yaml_cfn(text).expect("parses")[0];
    let sub = json!({"Fn::Sub": ["arn:${Table}", {"Table": {"Fn::If": ["C", {"Ref": "A"}, "b"]}}]});
    assert_eq!(doc.value["Arn"], sub);
    assert_positions(doc, &[("/Arn", 1, 6), ("/Arn/Fn::Sub/0", 1, 12), ("/Arn/Fn::Sub/1/Table", 1, 35)]);
    let error = parse_yaml("a:\n  b: 1\n\tc: 2\n").expect_err("tab");
    assert_eq!((error.line, error.column), (3, 1), "{error}");
}

#[test]
fn cloudformation_short_forms() {
    let text = "Conditions:\n  Custom: !Not [!Equals [!Ref AmiId, '']]\n  Prod: !Equals [!Ref Env, prod]\n\
        Resources:\n  Vm:\n    Properties:\n      ImageId: !If\n        - Custom\n        - !Ref AmiId\n\
        \x20       - !FindInMap [Map, !Ref 'AWS::Region', AMI]\n      Sg: !GetAtt Stack.Outputs.Sg\n\
        \x20     Data: !Base64\n        Fn::Sub: |\n          echo ${AWS::Region}\n\
        \x20     Flags: {a: yes, b: No, c: 'Yes', d: !Condition Prod, e: !GetAZs, f: !Ref 12, g: on}\n\
        \x20     Plain: !!str true\n";
    let doc = &parse_yaml_cfn(text).expect("parses")[0];
    let props = &doc.value["Resources"]["Vm"]["Properties"];
    let image = json!({"Fn::If": ["Custom", {"Ref": "AmiId"},
        {"Fn::FindInMap": ["Map", {"Ref": "AWS::Region"}, "AMI"]}]});
    assert_eq!(props["ImageId"], image);
    assert_eq!(props["Sg"], json!({"Fn::GetAtt": ["Stack", "Outputs.Sg"]}));
    assert_eq!(props["Data"], json!({"Fn::Base64": {"Fn::Sub": "echo ${AWS::Region}\n"}}));
    let flags = json!({"a": true, "b": false, "c": "Yes", "d": {"Condition": "Prod"}, "e": {"Fn::GetAZs": ""},
        "f": {"Ref": "12"}, "g": true});
    assert_eq!(props["Flags"], flags);
    assert_eq!(props["Plain"], json!("true"));
    assert_eq!(doc.value["Conditions"]["Custom"], json!({"Fn::Not": [{"Fn::Equals": [{"Ref": "AmiId"}, ""]}]}));
    let at = "/Resources/Vm/Properties";
    assert_positions(
        doc,
        &[
            ("/Conditions/Custom", 2, 11),
            ("/Conditions/Custom/Fn::Not", 2, 16),
            ("/Conditions/Custom/Fn::Not/0", 2, 17),
            ("/Conditions/Custom/Fn::Not/0/Fn::Equals/0", 2, 26),
            ("/Conditions/Custom/Fn::Not/0/Fn::Equals/0/Ref", 2, 31),
            (&format!("{at}/ImageId"), 7, 16),
            (&format!("{at}/ImageId/Fn::If"), 8, 9),
            (&format!("{at}/ImageId/Fn::If/1"), 9, 11),
            (&format!("{at}/ImageId/Fn::If/1/Ref"), 9, 16),
            (&format!("{at}/ImageId/Fn::If/2"), 10, 11),
            (&format!("{at}/ImageId/Fn::If/2/Fn::FindInMap/1"), 10, 28),
            (&format!("{at}/ImageId/Fn::If/2/Fn::FindInMap/1/Ref"), 10, 33),
            (&format!("{at}/Sg"), 11, 11),
            (&format!("{at}/Sg/Fn::GetAtt/1"), 11, 19),
            (&format!("{at}/Data"), 12, 13),
            (&format!("{at}/Flags/d"), 15, 43),
            (&format!("{at}/Flags/d/Condition"), 15, 54),
        ],
    );
    // The plain parser keeps its behaviour: tags are dropped, YAML 1.2 booleans only.
    let plain = &parse_yaml(text).expect("parses")[0];
    assert_eq!(plain.value["Resources"]["Vm"]["Properties"]["Flags"]["a"], json!("yes"));
    assert_eq!(plain.value["Resources"]["Vm"]["Properties"]["Sg"], json!("Stack.Outputs.Sg"));
    // Anchors keep the wrapper; several documents stay several.
    let docs = parse_yaml_cfn("a: &x !Ref B\nb: *x\n---\nc: !Sub [x, {}]\n").expect("parses");
    assert_eq!(docs[0].value, json!({"a": {"Ref": "B"}, "b": {"Ref": "B"}}));
    assert_eq!(docs[1].value, json!({"c": {"Fn::Sub": ["x", {}]}}));
}

#[test]
fn alias_bombs_are_refused() {
    let mut text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n".to_owned();
    for level in 1..9 {
        let aliases = vec![format!("*l{}", level - 1); 10].join(", ");
        text.push_str(&format!("l{level}: &l{level} [{aliases}]\n"));
    }
    assert!(parse_yaml(&text).expect_err("bomb").message.contains("too many"));
}

/// A reader that wants only comments holding a marker gets every one of those; a YAML text without the marker is not
/// scanned for comments (a second parse), and one that holds it only inside a string has none.
#[test]
fn comments_are_scanned_only_where_the_marker_is() {
    use crate::document::{Comment, Elide, parse_text_eliding, parse_text_with_comments};
    const MARKER: &str = "entitle:ignore";
    let elide = Elide { member: "planned_values", when: "resource_changes" };
    let texts = [
        "# a plain comment\nkind: Pod # another\n",
        "kind: Pod # entitle:ignore RULE-1 until 2027-01-01\nmetadata: {name: a} # plain\n",
        "kind: Pod\nnote: 'entitle:ignore RULE-1'\n",
        "kind: Pod\nblock: |\n  # entitle:ignore RULE-1, block text\n# entitle:ignore RULE-2 after it\n",
    ];
    for text in texts {
        let (docs, wanted) = parse_text_eliding(text, elide, MARKER).expect("parses");
        let (all_docs, all) = parse_text_with_comments(text).expect("parses");
        assert_eq!(
            docs.iter().map(|d| &d.value).collect::<Vec<_>>(),
            all_docs.iter().map(|d| &d.value).collect::<Vec<_>>()
        );
        let marked = |c: &[Comment]| c.iter().filter(|c| c.text.contains(MARKER)).cloned().collect::<Vec<_>>();
        assert_eq!(marked(&wanted), marked(&all), "{text:?}");
        if !text.contains(MARKER) {
            assert!(wanted.is_empty() && !all.is_empty(), "{text:?}: {all:?}");
        }
    }
    let (_, found) = parse_text_eliding(texts[3], elide, MARKER).expect("parses");
    assert_eq!(found.iter().map(|c| c.position.line).collect::<Vec<_>>(), [4], "the block scalar's line is text");
}
