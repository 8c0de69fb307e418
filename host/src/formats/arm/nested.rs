//! Nested and linked deployments (`Microsoft.Resources/deployments`): which template
//! a deployment runs and in which scope, resolving `templateLink` to a local file
//! when its URI is built from `_artifactsLocation` (or given as `relativePath`).

use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use serde_json::Value;

use super::expr::{self, EvalError};
use super::template::{ARTIFACTS_SENTINEL, Params, Template};
use super::value::Kind;

/// What a deployment resource deploys.
pub enum Child {
    /// An inline template in the outer scope: its expressions use the parent's
    /// parameters and variables. `template` is the pointer of the inline template.
    Outer { template: String },
    /// An inline template in the inner scope, or a linked template read from disk.
    Scoped(Rc<Template>),
    /// A template that is not available locally.
    External { uri: String, reason: String },
}

/// The template the deployment resource at `pointer` in `parent` runs.
pub fn child(parent: &Rc<Template>, pointer: &str) -> Result<Child, EvalError> {
    let props = format!("{pointer}/properties");
    let passed = Params::Passed { parent: parent.clone(), pointer: format!("{props}/parameters") };
    if parent.node(&format!("{props}/template")).is_some() {
        let scope = match parent.node(&format!("{props}/expressionEvaluationOptions/scope")) {
            Some(node) => parent.eval_node(node, &format!("{props}/expressionEvaluationOptions/scope"))?,
            None => super::value::Val::str("outer"),
        };
        let inner = scope.as_str().is_some_and(|s| s.eq_ignore_ascii_case("inner"));
        return Ok(if inner {
            Child::Scoped(Template::new(
                parent.session.clone(),
                parent.file.clone(),
                format!("{props}/template"),
                passed,
                false,
            ))
        } else {
            Child::Outer { template: format!("{props}/template") }
        });
    }
    let link = format!("{props}/templateLink");
    if parent.node(&link).is_none() {
        return Ok(Child::External {
            uri: String::new(),
            reason: "the deployment has neither `template` nor `templateLink`".into(),
        });
    }
    let (relative, uri_text) = link_target(parent, &link)?;
    let Some(relative) = relative else {
        let reason = format!("the linked template `{uri_text}` is not beside this template, so it cannot be read");
        return Ok(Child::External { uri: uri_text, reason });
    };
    let fs_path = normalise(&relative.0.join(&relative.1));
    let display = normalise(&relative.2.join(&relative.1)).display().to_string();
    match parent.session.load(&display, &fs_path) {
        Ok(file) => Ok(Child::Scoped(Template::new(parent.session.clone(), file, String::new(), passed, false))),
        Err(reason) => {
            // Said where the link is written, so the reader sees which deployment it is.
            let at = parent.file.doc.nearest_position(&link);
            parent.session.note(format!(
                "{}:{}:{}: linked template {reason}; its resources are not checked",
                parent.file.display, at.line, at.column
            ));
            Ok(Child::External { uri: uri_text, reason })
        }
    }
}

/// `(fs dir, relative path, display dir)` of a local linked template, and the URI as
/// text for messages.
type Target = (Option<(PathBuf, PathBuf, PathBuf)>, String);

fn link_target(parent: &Rc<Template>, link: &str) -> Result<Target, EvalError> {
    let parent_dirs = || {
        let fs = parent.file.fs_path.parent().map(Path::to_path_buf).unwrap_or_default();
        let display = Path::new(&*parent.file.display).parent().map(Path::to_path_buf).unwrap_or_default();
        (fs, display)
    };
    if let Some(node) = parent.node(&format!("{link}/relativePath")) {
        let value = parent.eval_node(node, &format!("{link}/relativePath"))?;
        if let Some(rel) = value.as_str() {
            let (fs, display) = parent_dirs();
            return Ok((Some((fs, PathBuf::from(rel), display)), rel.to_owned()));
        }
    }
    let Some(node) = parent.node(&format!("{link}/uri")) else {
        return Ok((None, "(no uri)".into()));
    };
    let shown = match node {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let sentinel = parent.with_sentinel();
    let value = sentinel.eval_node(node, &format!("{link}/uri"))?;
    let text = match &value.kind {
        Kind::Str(s) => s.clone(),
        _ => return Ok((None, shown)),
    };
    let Some(rest) = text.strip_prefix(ARTIFACTS_SENTINEL) else {
        return Ok((None, if expr::is_expression(&shown) { text } else { shown }));
    };
    let rel = rest.split(['?', '#']).next().unwrap_or_default().trim_start_matches('/').to_owned();
    // `_artifactsLocation` is the root template's folder, whatever the nesting depth.
    let root = parent.session.root();
    let fs = root.fs_path.parent().map(Path::to_path_buf).unwrap_or_default();
    let display = Path::new(&*root.display).parent().map(Path::to_path_buf).unwrap_or_default();
    Ok((Some((fs, PathBuf::from(rel), display)), shown))
}

/// Removes `.` and folds `..` (paths stay relative when they were); Bicep modules use it too.
pub(crate) fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
