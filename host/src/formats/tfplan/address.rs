//! Terraform addresses: a resource's address built from `module_address`, `type`, `name` and
//! `index` (never parsed out of `address`), the module path configuration lookups walk, and the
//! references configuration expressions name.

use serde_json::Value;

/// One module call on a module path: `module.vms["east"]` is call `vms`, key `["east"]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Step {
    /// The module call's name.
    pub call: String,
    /// The instance key as written (`[0]`, `["east"]`), empty for a call without count or for_each.
    pub key: String,
}

/// `[0]` for a `count` index, `["key"]` for a `for_each` key, nothing otherwise.
pub fn index_text(index: Option<&Value>) -> String {
    match index {
        Some(Value::Number(n)) => format!("[{n}]"),
        Some(Value::String(s)) => format!("[{}]", quote(s)),
        _ => String::new(),
    }
}

/// A for_each key quoted as Terraform writes it in addresses.
fn quote(key: &str) -> String {
    serde_json::to_string(key).unwrap_or_else(|_| format!("\"{key}\""))
}

/// The resource's address: `module.a["k"].data.aws_ami.rhel[0]`.
pub fn address(module: &str, mode: &str, ty: &str, name: &str, index: Option<&Value>) -> String {
    let mut out = String::new();
    if !module.is_empty() {
        out.push_str(module);
        out.push('.');
    }
    if mode == "data" {
        out.push_str("data.");
    }
    out.push_str(&format!("{ty}.{name}{}", index_text(index)));
    out
}

/// The module address of a path (`module.a["k"].module.b`), empty for the root module.
pub fn module_address(steps: &[Step]) -> String {
    steps.iter().map(|s| format!("module.{}{}", s.call, s.key)).collect::<Vec<_>>().join(".")
}

/// Splits a `module_address` into its calls; keys may hold dots, brackets and escaped quotes.
/// `None` when the text is not a module address.
pub fn module_steps(address: &str) -> Option<Vec<Step>> {
    let mut steps = Vec::new();
    let mut rest = address;
    while !rest.is_empty() {
        rest = rest.strip_prefix("module.")?;
        let (call, after) = identifier(rest)?;
        let (key, after) = key(after)?;
        steps.push(Step { call: call.to_owned(), key: key.to_owned() });
        rest = match after.strip_prefix('.') {
            Some(next) if !next.is_empty() => next,
            Some(_) => return None,
            None if after.is_empty() => after,
            None => return None,
        };
    }
    Some(steps)
}

/// An identifier (letters, digits, `_`, `-`) at the start of `text`, and the rest.
fn identifier(text: &str) -> Option<(&str, &str)> {
    let end = text.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')).unwrap_or(text.len());
    (end > 0).then(|| text.split_at(end))
}

/// An instance key (`[0]`, `["a.b\"c"]`) at the start of `text`, or an empty key; and the rest.
fn key(text: &str) -> Option<(&str, &str)> {
    if !text.starts_with('[') {
        return Some(("", text));
    }
    let bytes = text.as_bytes();
    let end = if bytes.get(1) == Some(&b'"') {
        let mut i = 2;
        loop {
            match bytes.get(i)? {
                b'\\' => i += 2,
                b'"' => break i + 1,
                _ => i += 1,
            }
        }
    } else {
        1 + text[1..].find(|c: char| !c.is_ascii_digit())?
    };
    (bytes.get(end) == Some(&b']') && end > 1).then(|| text.split_at(end + 1))
}

/// What a configuration reference names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reference {
    /// A resource or data source: `data.aws_ami.rhel.id`, `aws_launch_template.web[0].id`.
    Resource {
        /// A data source (`data.` prefix).
        data: bool,
        /// Resource type.
        ty: String,
        /// Resource name.
        name: String,
        /// Instance key as written, when the reference names one.
        key: Option<String>,
    },
    /// An input variable of the module the expression is in: `var.ami`.
    Var(String),
    /// A child module's output: `module.images.rhel_ami`.
    Output {
        /// The module call.
        call: String,
        /// Instance key as written, when the reference names one.
        key: Option<String>,
        /// The output's name.
        output: String,
    },
    /// Anything else (`local.x`, `each.key`, `count.index`, `path.module`).
    Other,
}

/// Reads a reference as Terraform writes them in `expressions.*.references`.
pub fn reference(text: &str) -> Reference {
    let (head, rest) = text.split_once('.').unwrap_or((text, ""));
    match head {
        "var" => identifier(rest).map_or(Reference::Other, |(v, _)| Reference::Var(v.to_owned())),
        "module" => (|| {
            let (call, after) = identifier(rest)?;
            let (key, after) = key(after)?;
            let (output, _) = identifier(after.strip_prefix('.')?)?;
            let key = (!key.is_empty()).then(|| key.to_owned());
            Some(Reference::Output { call: call.to_owned(), key, output: output.to_owned() })
        })()
        .unwrap_or(Reference::Other),
        "local" | "each" | "count" | "path" | "terraform" | "self" => Reference::Other,
        "data" => resource(rest, true),
        _ => resource(text, false),
    }
}

/// `type.name[key]…` as a resource reference.
fn resource(text: &str, data: bool) -> Reference {
    let parsed = (|| {
        let (ty, after) = identifier(text)?;
        let (name, after) = identifier(after.strip_prefix('.')?)?;
        let (key, _) = key(after)?;
        Some(Reference::Resource {
            data,
            ty: ty.to_owned(),
            name: name.to_owned(),
            key: (!key.is_empty()).then(|| key.to_owned()),
        })
    })();
    parsed.unwrap_or(Reference::Other)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn builds_addresses_from_parts() {
        assert_eq!(address("", "managed", "aws_instance", "web", None), "aws_instance.web");
        assert_eq!(address("", "managed", "aws_instance", "web", Some(&json!(0))), "aws_instance.web[0]");
        let module = r#"module.ecr["repository_1"]"#;
        let built = address(module, "data", "aws_ami", "rhel", Some(&json!("a.b\"c")));
        assert_eq!(built, r#"module.ecr["repository_1"].data.aws_ami.rhel["a.b\"c"]"#);
    }

    #[test]
    fn splits_module_addresses() {
        let text = r#"module.a["x.y[\"z\"]"].module.b[3].module.c"#;
        let steps = module_steps(text).unwrap();
        let calls: Vec<(&str, &str)> = steps.iter().map(|s| (s.call.as_str(), s.key.as_str())).collect();
        assert_eq!(calls, [("a", r#"["x.y[\"z\"]"]"#), ("b", "[3]"), ("c", "")]);
        assert_eq!(module_address(&steps), text);
        assert_eq!(module_steps("").unwrap(), []);
        for bad in ["module.", "mod.a", "module.a.", "module.a[", "module.a[]", r#"module.a["x]"#, "module.a[1]x"] {
            assert!(module_steps(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn reads_references() {
        let res = |data, ty: &str, name: &str, key: Option<&str>| Reference::Resource {
            data,
            ty: ty.into(),
            name: name.into(),
            key: key.map(Into::into),
        };
        assert_eq!(reference("data.aws_ami.rhel.id"), res(true, "aws_ami", "rhel", None));
        assert_eq!(reference("data.aws_ami.rhel"), res(true, "aws_ami", "rhel", None));
        assert_eq!(reference("data.aws_ami.rhel[0].id"), res(true, "aws_ami", "rhel", Some("[0]")));
        assert_eq!(
            reference(r#"aws_launch_template.lt["a"].id"#),
            res(false, "aws_launch_template", "lt", Some(r#"["a"]"#))
        );
        assert_eq!(reference("var.ami"), Reference::Var("ami".into()));
        let output = Reference::Output { call: "img".into(), key: Some("[1]".into()), output: "id".into() };
        assert_eq!(reference("module.img[1].id"), output);
        assert_eq!(reference("module.img"), Reference::Other);
        assert_eq!(reference("local.ami"), Reference::Other);
        assert_eq!(reference("each.value"), Reference::Other);
    }
}
