//! Boot-time configuration as evidence for later rules (`subscription-manager register`,
//! `attach --pool`): `UserData` (decoded from base64 when written encoded) and the
//! `AWS::CloudFormation::Init` commands and executable files that `cfn-init` runs, each
//! partly known when parts of it are not known before deployment.

use entitle_sdk::model::BootConfig;
use serde_json::Value;

use super::eval::Eval;
use super::value::source;
use crate::document::escape_token;
use crate::formats::base64;
use crate::formats::partial::Partial;

/// The user data at `pointer`, when the template has it.
pub fn user_data(eval: &Eval<'_>, pointer: &str) -> Option<BootConfig> {
    let node = eval.t.node(pointer)?;
    let at = source(&eval.t.path, pointer);
    let whole = eval.eval(node, pointer);
    let single = matches!(node, Value::Object(m) if m.len() == 1 && m.keys().all(|k| k == "Ref" || k == "Fn::GetAtt" || k == "Fn::ImportValue"));
    if single && whole.is_opaque() {
        let unknown = whole.reason().map(|r| format!("the user data is {r}"));
        return Some(BootConfig { kind: "user_data".into(), unknown, source: at, ..BootConfig::default() });
    }
    let text = match node {
        // Written already encoded: CloudFormation passes it as is.
        Value::String(s) => Partial::known(&base64::decode_text(s).unwrap_or_else(|| s.clone())),
        _ => eval.render(node, pointer),
    };
    let (text, unknown) = text.into_boot();
    Some(BootConfig { kind: "user_data".into(), text, unknown, source: at, ..BootConfig::default() })
}

/// The commands and executable files of the resource's `cfn-init` metadata.
pub fn cfn_init(eval: &Eval<'_>, resource: &str) -> Vec<BootConfig> {
    let base = format!("{resource}/Metadata/AWS::CloudFormation::Init");
    let Some(Value::Object(configs)) = eval.t.node(&base) else { return Vec::new() };
    let mut out = Vec::new();
    for (config, body) in configs.iter().filter(|(name, _)| *name != "configSets") {
        let here = format!("{base}/{}", escape_token(config));
        if let Some(Value::Object(commands)) = body.get("commands") {
            for (name, command) in commands {
                let at = format!("{here}/commands/{}/command", escape_token(name));
                let Some(node) = command.get("command") else { continue };
                let text = match node {
                    Value::Array(parts) => {
                        Partial::join(parts.iter().enumerate().map(|(i, p)| eval.render(p, &format!("{at}/{i}"))), " ")
                    }
                    other => eval.render(other, &at),
                };
                out.push(entry(eval, &at, text));
            }
        }
        if let Some(Value::Object(files)) = body.get("files") {
            for (path, file) in files {
                let mode = file.get("mode").and_then(Value::as_str).unwrap_or_default();
                let executable = mode.chars().last().and_then(|c| c.to_digit(8)).is_some_and(|d| d & 1 == 1)
                    || mode.chars().rev().nth(2).and_then(|c| c.to_digit(8)).is_some_and(|d| d & 1 == 1);
                let Some(content) = file.get("content").filter(|_| executable) else { continue };
                let at = format!("{here}/files/{}/content", escape_token(path));
                let mut text = Partial::known(&format!("# file {path} (mode {mode})\n"));
                text.append(eval.render(content, &at));
                out.push(entry(eval, &at, text));
            }
        }
    }
    out
}

fn entry(eval: &Eval<'_>, at: &str, text: Partial) -> BootConfig {
    let (text, unknown) = text.into_boot();
    BootConfig { kind: "cfn_init".into(), text, unknown, source: source(&eval.t.path, at), ..BootConfig::default() }
}
