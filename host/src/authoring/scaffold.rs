//! `entitle new`: a policy crate that builds and tests on its own, anywhere. The files
//! are templates under `host/templates/new/`, filled with the policy's name and the SDK
//! dependency.

use std::path::{Path, PathBuf};

use super::AuthoringError;

/// Where the new crate gets `entitle-sdk` from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SdkSource {
    /// A local checkout's `sdk/` directory (`entitle-sdk = { path = … }`).
    Path(PathBuf),
    /// A git repository holding the entitle workspace (`{ git = …, rev = … }`).
    Git {
        /// The repository URL.
        url: String,
        /// A commit, tag or branch; `None` for the default branch.
        rev: Option<String>,
    },
    /// A published version on crates.io (`entitle-sdk = "…"`).
    Version(String),
}

impl SdkSource {
    /// The SDK this entitle was built from, when its source is still where it was built;
    /// otherwise the published version matching this entitle.
    pub fn default_for_this_build() -> SdkSource {
        let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("sdk");
        match sdk.join("Cargo.toml").is_file().then(|| sdk.canonicalize()) {
            Some(Ok(dir)) => SdkSource::Path(dir),
            _ => SdkSource::Version(env!("CARGO_PKG_VERSION").to_owned()),
        }
    }

    /// The dependency's TOML value and a comment saying where it comes from.
    fn toml(&self) -> (String, &'static str) {
        let quote = |s: &str| toml::Value::String(s.to_owned()).to_string();
        match self {
            SdkSource::Path(dir) => (
                format!("{{ path = {} }}", quote(&dir.display().to_string())),
                "A local checkout (entitle new --sdk-path); once entitle-sdk is on crates.io, `entitle-sdk = \"VERSION\"`.",
            ),
            SdkSource::Git { url, rev: Some(rev) } => (
                format!("{{ git = {}, rev = {} }}", quote(url), quote(rev)),
                "From git (entitle new --sdk-git URL --sdk-rev REV); cargo finds the crate in the repository's workspace.",
            ),
            SdkSource::Git { url, rev: None } => (
                format!("{{ git = {} }}", quote(url)),
                "From git (entitle new --sdk-git URL); pin a `rev` for reproducible builds.",
            ),
            SdkSource::Version(v) => (quote(v), "From crates.io."),
        }
    }
}

/// One template: its path in the new crate and its text.
const TEMPLATES: [(&str, &str); 9] = [
    ("Cargo.toml", include_str!("../../templates/new/Cargo.toml.in")),
    ("policy.json", include_str!("../../templates/new/policy.json.in")),
    ("src/lib.rs", include_str!("../../templates/new/src/lib.rs.in")),
    ("README.md", include_str!("../../templates/new/README.md.in")),
    (".gitignore", include_str!("../../templates/new/gitignore.in")),
    ("cases/old-major.json", include_str!("../../templates/new/cases/old-major.json.in")),
    ("cases/old-major.expected.json", include_str!("../../templates/new/cases/old-major.expected.json.in")),
    ("cases/current-major.json", include_str!("../../templates/new/cases/current-major.json.in")),
    ("cases/current-major.expected.json", include_str!("../../templates/new/cases/current-major.expected.json.in")),
];

/// Writes a new policy crate `name` into `dir` (which must not exist, or be empty);
/// returns the files written, relative to `dir`.
pub fn new_policy(name: &str, dir: &Path, sdk: &SdkSource) -> Result<Vec<String>, AuthoringError> {
    check_name(name)?;
    if let Ok(mut entries) = std::fs::read_dir(dir)
        && entries.next().is_some()
    {
        return Err(AuthoringError::Invalid(format!("{} exists and is not empty", dir.display())));
    }
    let (dependency, note) = sdk.toml();
    let fill = |text: &str| {
        text.replace("{{name}}", name)
            .replace("{{crate}}", &name.replace('-', "_"))
            .replace("{{sdk_note}}", note)
            .replace("{{sdk}}", &dependency)
    };
    let mut written = Vec::new();
    for (file, text) in TEMPLATES {
        let path = dir.join(file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| AuthoringError::io(parent, e))?;
        }
        std::fs::write(&path, fill(text)).map_err(|e| AuthoringError::io(&path, e))?;
        written.push(file.to_owned());
    }
    Ok(written)
}

/// A policy id that is also a crate name: lowercase ASCII letters, digits and `-`,
/// starting with a letter, at most 64 characters.
fn check_name(name: &str) -> Result<(), AuthoringError> {
    let ok = name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(AuthoringError::Invalid(format!(
            "{:?} is not a usable policy name: lowercase letters, digits and `-`, starting with a letter (it is the policy id and the crate name)",
            crate::escape::text(name)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::{SdkSource, new_policy};

    #[test]
    fn the_crate_is_written_with_name_and_sdk_filled_in() {
        let dir = std::env::temp_dir().join(format!("entitle-new-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let sdk = SdkSource::Git { url: "https://example.invalid/entitle.git".into(), rev: Some("abc".into()) };
        let files = new_policy("org-rules", &dir, &sdk).expect("writes into a new directory");
        assert!(files.contains(&"cases/old-major.expected.json".to_owned()), "{files:?}");
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        let parsed: toml::Table = manifest.parse().expect("the manifest is TOML");
        assert_eq!(parsed["package"]["name"].as_str(), Some("org-rules"));
        assert!(parsed.contains_key("workspace"), "its own workspace");
        assert_eq!(parsed["profile"]["release"]["panic"].as_str(), Some("abort"));
        assert_eq!(parsed["dependencies"]["entitle-sdk"]["rev"].as_str(), Some("abc"));
        let meta = std::fs::read(dir.join("policy.json")).unwrap();
        assert_eq!(entitle_sdk::PolicyMetadata::parse(&meta).expect("valid metadata").id, "org-rules");
        for text in files.iter().map(|f| std::fs::read_to_string(dir.join(f)).unwrap()) {
            assert!(!text.contains("{{"), "a placeholder is left: {text}");
        }
        let again = new_policy("org-rules", &dir, &sdk).expect_err("a non-empty directory is refused");
        assert!(again.to_string().contains("not empty"), "{again}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn names_that_are_not_crate_names_are_refused() {
        let dir = std::env::temp_dir().join("entitle-new-never-written");
        for bad in ["", "Org", "9lives", "a_b", "../x", "a-"] {
            assert!(new_policy(bad, &dir, &SdkSource::Version("0.1.0".into())).is_err(), "{bad:?}");
        }
        assert!(!dir.exists());
    }
}
