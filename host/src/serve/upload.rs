//! The files of one `/v1/check` request: written into a fresh private directory that is
//! the request's project root (removed when the request ends), under names checked to
//! stay inside it; and the report's paths spelled back as the uploaded names, so no
//! reply shows where the server keeps them.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::error::ApiError;
use crate::Report;

/// The longest uploaded file name, in bytes.
const MAX_NAME: usize = 1024;

/// One uploaded file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Upload {
    /// Its name, relative (`main.json`, `modules/vm.json`).
    pub name: String,
    /// Its text.
    pub content: String,
}

/// The private directory holding a request's files.
pub struct Uploaded {
    dir: tempfile::TempDir,
    /// The directory with symlinks resolved, as reports spell it.
    root: PathBuf,
}

impl Uploaded {
    /// Writes `files` into a fresh directory; a name that is absolute, empty, or has a
    /// `.`/`..` part, or that repeats or nests under another, is refused (400).
    pub fn write(files: &[Upload]) -> Result<Uploaded, ApiError> {
        let mut seen = BTreeSet::new();
        for f in files {
            let path = checked_name(&f.name)?;
            for parent in path.ancestors().skip(1).filter(|p| !p.as_os_str().is_empty()) {
                if seen.contains(parent) {
                    return Err(ApiError::bad_request(format!(
                        "the upload `{}` is under `{}`, which is a file",
                        shown(&f.name),
                        parent.display()
                    )));
                }
            }
            if !seen.insert(path) {
                return Err(ApiError::bad_request(format!("the upload `{}` is given twice", shown(&f.name))));
            }
        }
        if seen.iter().any(|p| seen.range(p.clone()..).skip(1).any(|q| q.starts_with(p))) {
            return Err(ApiError::bad_request("an uploaded file name is also used as a directory"));
        }
        let internal = |e: std::io::Error| {
            ApiError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, format!("cannot store the uploads: {e}"))
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix("entitle-request-");
        // Private: other local users must not read what was uploaded.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
        let dir = builder.tempdir().map_err(internal)?;
        let root = dir.path().canonicalize().map_err(internal)?;
        for f in files {
            let path = root.join(&f.name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(internal)?;
            }
            // create_new: never through a link, never over another file.
            let mut out = std::fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(internal)?;
            out.write_all(f.content.as_bytes()).map_err(internal)?;
        }
        Ok(Uploaded { dir, root })
    }

    /// The directory (the request's project root).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// An uploaded name (or one the request refers to) as a path inside the directory.
    pub fn path_of(&self, name: &str) -> Result<PathBuf, ApiError> {
        Ok(self.root.join(checked_name(name)?))
    }

    /// Names each discovered input by its uploaded name, as `check` names files by
    /// their path from the project root (fingerprints and waivers use that name).
    pub fn name_inputs(&self, files: &mut [crate::InputFile]) {
        let prefix = format!("{}/", self.root.display());
        for f in files {
            if let Some(rest) = f.display.strip_prefix(&prefix) {
                f.display = rest.to_owned();
            }
            if let Some(from) = &mut f.walked_from {
                *from = from.strip_prefix(&prefix).unwrap_or(".").to_owned();
            }
        }
    }

    /// Spells every path of `report` inside the directory as the uploaded name, and
    /// removes the directory's own name from messages. Before the gate, each finding's
    /// file gets its inline-waiver source from the upload, so the gate never looks for
    /// an uploaded name on the server's disk.
    pub fn relativise(&self, report: &mut Report) {
        for f in &report.findings {
            let path = &f.location.path;
            if !report.inline.contains_key(path) {
                let on_disk = self.root.join(path).display().to_string();
                let source = crate::gate::InlineSource::read(&on_disk)
                    .unwrap_or_else(|| crate::gate::InlineSource::new(Vec::new(), None));
                report.inline.insert(path.clone(), source);
            }
        }
        let prefix = format!("{}/", self.root.display());
        let rename = |path: &str| path.strip_prefix(&prefix).map(str::to_owned);
        report.rename_paths(&|p| rename(p));
        let root = self.root.display().to_string();
        let tmp = self.dir.path().display().to_string();
        for e in &mut report.errors {
            e.message = e.message.replace(&prefix, "").replace(&root, ".").replace(&tmp, ".");
        }
        for f in &mut report.findings {
            f.message = f.message.replace(&prefix, "");
        }
        let inline = std::mem::take(&mut report.inline);
        report.inline = inline.into_iter().map(|(k, v)| (rename(&k).unwrap_or(k), v)).collect();
    }
}

/// `name` as a relative path of plain parts, or a 400 saying why not.
fn checked_name(name: &str) -> Result<PathBuf, ApiError> {
    let refuse = |why: &str| Err(ApiError::bad_request(format!("the file name `{}` {why}", shown(name))));
    if name.is_empty() {
        return refuse("is empty");
    }
    if name.len() > MAX_NAME {
        return refuse("is longer than 1024 bytes");
    }
    if name.contains('\0') || name.contains('\\') {
        return refuse("holds a NUL or a backslash");
    }
    let mut plain = PathBuf::new();
    for part in name.split('/') {
        match part {
            ".." => return refuse("leaves the upload (`..`): names must stay inside the request"),
            "" if plain.as_os_str().is_empty() => return refuse("is absolute: names must be relative"),
            "" | "." => return refuse("is not a plain relative file name (an empty or `.` part)"),
            _ => plain.push(part),
        }
    }
    Ok(plain)
}

fn shown(name: &str) -> String {
    let cut: String = name.chars().take(200).collect();
    crate::escape::text(&cut).into_owned()
}

#[cfg(test)]
mod tests {
    use super::checked_name;
    use std::path::PathBuf;

    #[test]
    fn names_stay_inside_the_upload() {
        assert_eq!(checked_name("main.json").unwrap(), PathBuf::from("main.json"));
        assert_eq!(checked_name("infra/nested/vm.json").unwrap(), PathBuf::from("infra/nested/vm.json"));
        assert_eq!(checked_name(".entitle-waivers.toml").unwrap(), PathBuf::from(".entitle-waivers.toml"));
        for (name, says) in [
            ("../x", "leaves the upload"),
            ("a/../../x", "leaves the upload"),
            ("a/..", "leaves the upload"),
            ("/etc/passwd", "is absolute"),
            ("", "is empty"),
            ("a//b", "not a plain relative"),
            ("./a", "not a plain relative"),
            ("a/", "not a plain relative"),
            ("a\\..\\b", "backslash"),
            ("a\0b", "NUL"),
        ] {
            let e = checked_name(name).expect_err(name);
            assert!(e.message.contains(says), "{name}: {}", e.message);
            assert_eq!(e.status, 400);
        }
        assert!(checked_name(&"a".repeat(1025)).unwrap_err().message.contains("longer than 1024"));
    }

    #[cfg(unix)]
    #[test]
    fn the_request_directory_is_private_and_removed_with_it() {
        use std::os::unix::fs::PermissionsExt;
        let files = [super::Upload { name: "a/b.json".into(), content: "{}".into() }];
        let uploaded = super::Uploaded::write(&files).unwrap();
        let root = uploaded.root().to_path_buf();
        assert_eq!(std::fs::metadata(&root).unwrap().permissions().mode() & 0o777, 0o700);
        assert_eq!(std::fs::read_to_string(root.join("a/b.json")).unwrap(), "{}");
        drop(uploaded);
        assert!(!root.exists());
    }
}
