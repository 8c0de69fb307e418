//! Property test: random and mangled expressions never panic (errors and unknowns only).

use super::testing::run;

const FUNCTIONS: &[&str] = &[
    "parameters",
    "variables",
    "concat",
    "format",
    "if",
    "equals",
    "not",
    "and",
    "or",
    "less",
    "lessOrEquals",
    "greater",
    "greaterOrEquals",
    "empty",
    "contains",
    "length",
    "toLower",
    "toUpper",
    "string",
    "int",
    "bool",
    "float",
    "json",
    "array",
    "createArray",
    "createObject",
    "union",
    "intersection",
    "coalesce",
    "split",
    "replace",
    "substring",
    "trim",
    "padLeft",
    "startsWith",
    "endsWith",
    "indexOf",
    "lastIndexOf",
    "add",
    "sub",
    "mul",
    "div",
    "mod",
    "min",
    "max",
    "range",
    "first",
    "last",
    "take",
    "skip",
    "copyIndex",
    "resourceId",
    "subscriptionResourceId",
    "tenantResourceId",
    "extensionResourceId",
    "managementGroupResourceId",
    "reference",
    "deployment",
    "resourceGroup",
    "subscription",
    "environment",
    "uniqueString",
    "guid",
    "utcNow",
    "newGuid",
    "listKeys",
    "base64",
    "base64ToString",
    "base64ToJson",
    "uri",
    "uriComponent",
    "uriComponentToString",
    "dataUri",
    "dataUriToString",
    "items",
    "objectKeys",
    "tryGet",
    "shallowMerge",
    "flatten",
    "join",
    "null",
    "true",
    "false",
    "tenant",
    "managementGroup",
    "filter",
    "ns.user",
    "nope",
];

const STRINGS: &[&str] = &[
    "",
    "a",
    "A",
    "a/b",
    "Microsoft.Compute/images",
    "Microsoft.Network/virtualNetworks/subnets",
    "{0}",
    "{1:D3}",
    "{0,-5:N2}",
    "{99999999999999999999}",
    "}{",
    "é😀",
    "%zz%4",
    "data:;base64,!!",
    "data:,a%20",
    "{\"a\":[1]}",
    "null",
    "-",
    " ",
    "vms",
    "nested",
    "http://x/a/",
    "../..",
    "SGVsbG8=",
    "Zm9",
    "0",
    "true",
    ",",
];

const INTS: &[i64] = &[0, 1, -1, 2, 3, 10_000, 10_001, 99_999_999, i64::MAX, i64::MIN, i64::MIN + 1];

const PARAMS: &[&str] = &["name", "count", "flag", "empty", "nothing", "obj", "arr", "strs", "unk", "mixed", "located"];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap_or(1)).unwrap_or(0)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn gen_expr(rng: &mut Rng, depth: usize) -> String {
    let choice = if depth > 4 { rng.below(4) } else { rng.below(9) };
    let mut text = match choice {
        0 => quote(rng.pick(STRINGS)),
        1 => rng.pick(INTS).to_string(),
        2 => rng.pick(&["true", "false", "null"]).to_owned(),
        3 => format!("parameters({})", quote(rng.pick(PARAMS))),
        _ => {
            let name = rng.pick(FUNCTIONS);
            let args: Vec<String> = (0..rng.below(5)).map(|_| gen_expr(rng, depth + 1)).collect();
            format!("{name}({})", args.join(", "))
        }
    };
    match rng.below(6) {
        0 => text.push_str(&format!(".{}", rng.pick(&["a", "B", "nested", "x", "known", "unknown", "inner"]))),
        1 => text.push_str(&format!("[{}]", gen_expr(rng, depth + 1))),
        _ => {}
    }
    text
}

fn mangle(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..=rng.below(3) {
        let at = rng.below(chars.len() + 1);
        match rng.below(3) {
            0 if at < chars.len() => {
                chars.remove(at);
            }
            _ => chars.insert(at, rng.pick(&['(', ')', '[', ']', '\'', ',', '.', '-', 'é', ' ', '9'])),
        }
    }
    chars.into_iter().collect()
}

#[test]
fn random_expressions_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut known, mut unknown, mut errors) = (0, 0, 0);
    for _ in 0..20_000 {
        let text = format!("[{}]", gen_expr(&mut rng, 0));
        for candidate in [text.clone(), mangle(&mut rng, &text)] {
            match run(&candidate) {
                Ok(v) if v.is_unknown() => unknown += 1,
                Ok(_) => known += 1,
                Err(_) => errors += 1,
            }
        }
    }
    // The generator must exercise all three outcomes, not just errors.
    assert!(known > 1_000 && unknown > 1_000 && errors > 1_000, "{known} known, {unknown} unknown, {errors} errors");
}

#[test]
fn deep_but_allowed_nesting_evaluates() {
    let text = format!("[{}'x'{}]", "concat(".repeat(90), ")".repeat(90));
    assert_eq!(run(&text).unwrap().as_str(), Some("x"));
    let text = format!("[{}1{}]", "if(true, ".repeat(90), ", 0)".repeat(90));
    assert!(run(&text).is_ok());
}
