//! Unit tests for the object functions (kept apart to keep `objects.rs` short).

use super::super::testing::{err, ok, reason, run};
use crate::formats::arm::value::Kind;
use serde_json::json;

#[test]
fn json_parses_and_null_is_null() {
    assert_eq!(ok("[json('{\"a\": [1, 2.5, true, null]}')]"), json!({"a": [1, 2.5, true, null]}));
    assert_eq!(run("[json('null')]").unwrap().kind, Kind::Null);
    assert_eq!(run("[null()]").unwrap().kind, Kind::Null);
    assert!(err("[json('{bad')]").starts_with("json: invalid JSON"));
    assert_eq!(err("[json(1)]"), "json: argument 1 must be a String, got Int");
}

#[test]
fn create_object_holds_unknowns_and_keeps_origins() {
    assert_eq!(ok("[createObject('a', 1, 'b', createArray('x'))]"), json!({"a": 1, "b": ["x"]}));
    assert_eq!(ok("[createObject()]"), json!({}));
    let v = run("[createObject('k', parameters('unk'), 'l', parameters('located').inner)]").unwrap();
    assert!(!v.is_unknown());
    assert_eq!(v.get("k").and_then(|k| k.unknown_reason()), Some("u is unknown"));
    assert_eq!(v.get("l").unwrap().origin.as_ref().unwrap().source.pointer, "/inner");
    assert_eq!(reason("[createObject(parameters('unk'), 1)]"), "u is unknown");
    assert_eq!(err("[createObject('a')]"), "createObject: expected key and value pairs, got 1 arguments");
    assert_eq!(err("[createObject('a', 1, 2, 3)]"), "createObject: key 2 must be a String, got Int");
}

#[test]
fn union_of_objects_merges_nested_objects() {
    assert_eq!(
        ok(
            "[union(json('{\"a\":1,\"n\":{\"x\":1,\"y\":1},\"l\":[1]}'), json('{\"A\":2,\"n\":{\"y\":2},\"l\":[2],\"b\":3}'))]"
        ),
        json!({"a": 2, "n": {"x": 1, "y": 2}, "l": [2], "b": 3})
    );
    let v = run("[union(createObject('u', parameters('unk')), createObject('k', 1))]").unwrap();
    assert!(!v.is_unknown());
    assert_eq!(v.get("k").unwrap().to_json(), json!(1));
}

#[test]
fn union_of_arrays_is_distinct() {
    assert_eq!(ok("[union(createArray(1, 2, 2), createArray(2, 3), parameters('arr'))]"), json!([1, 2, 3]));
    assert_eq!(ok("[length(union(range(0, 10000), range(5000, 10000), range(0, 10000)))]"), json!(15000));
    assert_eq!(
        err("[union(createArray(1), createObject())]"),
        "union: argument 2 must be an Array like argument 1, got Object"
    );
    assert_eq!(reason("[union(createArray(1), parameters('unk'))]"), "u is unknown");
    let v = run("[union(parameters('located').list, createArray('z'))]").unwrap();
    let Kind::Array(items) = v.kind else { panic!("not an array") };
    assert_eq!(items[0].origin.as_ref().unwrap().source.pointer, "/list/0");
}

#[test]
fn intersection_of_objects_and_arrays() {
    assert_eq!(
        ok("[intersection(json('{\"a\":1,\"b\":2,\"c\":3}'), json('{\"a\":1,\"b\":9,\"c\":3}'))]"),
        json!({"a": 1, "c": 3})
    );
    assert_eq!(ok("[intersection(createArray(1, 2, 3, 3), createArray(3, 2), createArray(2, 3, 4))]"), json!([2, 3]));
    assert_eq!(reason("[intersection(createArray(1), createArray(parameters('unk')))]"), "u is unknown");
    assert_eq!(err("[intersection(1, 2)]"), "intersection: argument 1 must be an Array or an Object, got Int");
    assert_eq!(
        err("[intersection(createArray(), createObject())]"),
        "intersection: argument 2 must have the type of argument 1, got Object"
    );
}

#[test]
fn coalesce_is_lazy_and_keeps_the_value() {
    assert_eq!(ok("[coalesce(null(), parameters('nothing'), 'x', parameters('missing'))]"), json!("x"));
    assert_eq!(run("[coalesce(null(), null())]").unwrap().kind, Kind::Null);
    assert_eq!(reason("[coalesce(null(), parameters('unk'), 'x')]"), "u is unknown");
    assert_eq!(ok("[coalesce('a', parameters('unk'))]"), json!("a"));
    let v = run("[coalesce(null(), parameters('located').inner.leaf)]").unwrap();
    assert_eq!(v.origin.unwrap().source.pointer, "/inner/leaf");
    assert_eq!(err("[coalesce()]"), "coalesce: expected at least 1 argument, got 0");
}

#[test]
fn items_sorted_with_values_unchanged() {
    assert_eq!(
        ok("[items(json('{\"b\":2,\"A\":[1],\"a2\":null}'))]"),
        json!([{"key": "A", "value": [1]}, {"key": "a2", "value": null}, {"key": "b", "value": 2}])
    );
    let v = run("[items(parameters('located'))]").unwrap();
    let Kind::Array(entries) = v.kind else { panic!("not an array") };
    assert_eq!(entries[0].get("value").unwrap().origin.as_ref().unwrap().source.pointer, "/inner");
    assert_eq!(err("[items(createArray())]"), "items: argument 1 must be an Object, got Array");
}

#[test]
fn object_keys() {
    assert_eq!(ok("[objectKeys(parameters('obj'))]"), json!(["a", "B", "nested"]));
}

#[test]
fn try_get_members_and_elements() {
    assert_eq!(ok("[tryGet(parameters('obj'), 'nested', 'x', 1)]"), json!(2));
    assert_eq!(ok("[tryGet(parameters('obj'), 'missing', 'x')]"), json!(null));
    assert_eq!(ok("[tryGet(parameters('arr'), 7)]"), json!(null));
    assert_eq!(reason("[tryGet(parameters('mixed'), 'unknown', 'deeper')]"), "u is unknown");
    assert_eq!(
        err("[tryGet(parameters('obj'), 1)]"),
        "tryGet: key 1 must be a String for objects or an Int for arrays"
    );
    assert_eq!(err("[tryGet('s', 'a')]"), "tryGet: cannot look up key 1 in a value of type String");
}

#[test]
fn shallow_merge_later_wins() {
    assert_eq!(
        ok("[shallowMerge(createArray(json('{\"a\":1,\"n\":{\"x\":1}}'), json('{\"n\":{\"y\":2}}')))]"),
        json!({"a": 1, "n": {"y": 2}})
    );
    assert_eq!(err("[shallowMerge(createArray(1))]"), "shallowMerge: elements must be Objects, found Int");
}
