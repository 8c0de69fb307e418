//! Output captured from the hashicorp/setup-terraform wrapper: a `[command]…terraform-bin show
//! -json …` header, the plan JSON, then GitHub workflow commands (`::debug::stdout: …`,
//! `::set-output name=stdout::…`) whose values encode newlines as `%0A`. The plan is recovered
//! from the raw stdout when it is there (keeping its lines where they were in the file), else
//! from a decoded workflow-command value.

/// How to get clean plan JSON, for the rejection message.
const HOW_TO_FIX: &str = "write the plan JSON to a file instead: `terraform show -json plan.tfplan > plan.json` \
(the wrapper prints only to the log), or set `terraform_wrapper: false` on hashicorp/setup-terraform";

/// `Some(Ok(clean JSON text))` when `text` is setup-terraform wrapper output whose plan can be
/// recovered, `Some(Err(message))` when it is wrapper output whose plan cannot, `None` when it
/// is not wrapper output.
pub fn unwrap_setup_terraform(text: &str) -> Option<Result<String, String>> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let lines: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let first = lines.iter().position(|l| !l.trim().is_empty())?;
    let header = lines[first].trim_start().starts_with("[command]");
    let commands = lines.iter().any(|l| is_command(l));
    let json_first = lines[first].trim_start().starts_with(['{', '[']);
    let wrapped = header || (commands && !json_first);
    if !wrapped {
        return None;
    }
    // The raw stdout: the lines between the header and the first workflow command, placed at
    // their own line numbers so positions still match the file.
    let start = if header { first + 1 } else { first };
    let end = (start..lines.len()).find(|&i| is_command(lines[i])).unwrap_or(lines.len());
    let mut raw = "\n".repeat(start);
    raw.push_str(&lines[start..end].join("\n"));
    let raw_trimmed = raw.trim_end().strip_suffix("%0A").unwrap_or(raw.trim_end()).to_owned();
    if is_json(&raw_trimmed) {
        return Some(Ok(raw_trimmed));
    }
    for prefix in ["::set-output name=stdout::", "::debug::stdout: "] {
        let value = lines.iter().find_map(|l| l.strip_prefix(prefix));
        if let Some(value) = value.map(decode)
            && is_json(&value)
        {
            return Some(Ok(value.trim_end().to_owned()));
        }
    }
    let command = lines[first].trim().strip_prefix("[command]").map(|c| format!(" of `{c}`")).unwrap_or_default();
    Some(Err(format!(
        "this is a CI log captured from the hashicorp/setup-terraform wrapper{command} (a `[command]` header, \
`%0A`-encoded lines and `::set-output`/`::debug` workflow commands), not a plan JSON, and no complete plan JSON \
could be recovered from it; {HOW_TO_FIX}"
    )))
}

/// A GitHub Actions workflow command line (`::debug::…`, `::set-output name=…::…`).
fn is_command(line: &str) -> bool {
    let line = line.trim_start();
    ["::debug::", "::set-output ", "::add-mask::", "::warning", "::error", "::notice", "::group::", "::endgroup::"]
        .iter()
        .any(|p| line.starts_with(p))
}

/// True when the text is one JSON value.
fn is_json(text: &str) -> bool {
    !text.trim().is_empty() && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
}

/// Undoes the workflow-command escaping of data (`%25` `%0D` `%0A`).
fn decode(value: &str) -> String {
    value.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_other_text_alone() {
        assert_eq!(unwrap_setup_terraform(r#"{"format_version":"1.2"}"#), None);
        assert_eq!(unwrap_setup_terraform("resource \"aws_instance\" \"x\" {}"), None);
        assert_eq!(unwrap_setup_terraform(""), None);
    }

    #[test]
    fn recovers_the_raw_stdout_at_its_own_line() {
        let text = "[command]/tmp/x/terraform-bin show -json plan.tfplan\n\
                    {\"format_version\":\"1.0\"}\n::debug::exitcode: 0\n";
        let clean = unwrap_setup_terraform(text).unwrap().unwrap();
        assert_eq!(clean, "\n{\"format_version\":\"1.0\"}");
    }

    #[test]
    fn decodes_workflow_command_values() {
        let text = "::debug::Terraform exited with code 0.\n\
                    ::set-output name=stdout::{\"a\":%0A\"100%25\"}%0A\n::set-output name=exitcode::0\n";
        assert_eq!(unwrap_setup_terraform(text).unwrap().unwrap(), "{\"a\":\n\"100%\"}");
    }

    #[test]
    fn rejects_what_cannot_be_recovered() {
        let text = "[command]/usr/bin/terraform-bin show -json plan.tfplan\n\
                    {\"format_version\":\"1.0\",\"resou\n::set-output name=exitcode::1\n";
        let message = unwrap_setup_terraform(text).unwrap().unwrap_err();
        assert!(message.contains("setup-terraform"), "{message}");
        assert!(message.contains("terraform show -json plan.tfplan > plan.json"), "{message}");
        assert!(message.contains("terraform_wrapper: false"), "{message}");
    }
}
