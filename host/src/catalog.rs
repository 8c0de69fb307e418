//! The reference catalog as a run uses it: the built-in data (embedded from
//! `policies/catalog/`) or a directory given with `--catalog`, checked and hashed.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::{Error, ErrorKind, Phase};
use entitle_sdk::Catalog;
use entitle_sdk::catalog::CATALOG_FILES;

const BUILTIN: [(&str, &str); 14] = [
    ("catalog.json", include_str!("../../policies/catalog/catalog.json")),
    ("lifecycle.json", include_str!("../../policies/catalog/lifecycle.json")),
    ("minor-releases.json", include_str!("../../policies/catalog/minor-releases.json")),
    ("azure-images.json", include_str!("../../policies/catalog/azure-images.json")),
    ("azure-license-types.json", include_str!("../../policies/catalog/azure-license-types.json")),
    ("gcp-images.json", include_str!("../../policies/catalog/gcp-images.json")),
    ("aws-images.json", include_str!("../../policies/catalog/aws-images.json")),
    ("container-images.json", include_str!("../../policies/catalog/container-images.json")),
    ("licensing.json", include_str!("../../policies/catalog/licensing.json")),
    ("wmco.json", include_str!("../../policies/catalog/wmco.json")),
    ("product-lifecycle.json", include_str!("../../policies/catalog/product-lifecycle.json")),
    ("instance-sizes.json", include_str!("../../policies/catalog/instance-sizes.json")),
    ("certified-platforms.json", include_str!("../../policies/catalog/certified-platforms.json")),
    ("subscription-terms.json", include_str!("../../policies/catalog/subscription-terms.json")),
];

/// A checked catalog and the sha256 of its files.
#[derive(Clone, Debug)]
pub struct LoadedCatalog {
    /// The data.
    pub catalog: Catalog,
    /// sha256 over every file's name and bytes, in [`CATALOG_FILES`] order (hex).
    pub sha256: String,
    /// `builtin` or the directory it came from.
    pub origin: String,
}

impl LoadedCatalog {
    /// The catalog compiled into this binary.
    pub fn builtin() -> LoadedCatalog {
        from_texts(&BUILTIN, "builtin").expect("the built-in catalog is checked by the test suite")
    }

    /// A catalog directory that replaces the built-in one.
    pub fn from_dir(dir: &Path) -> Result<LoadedCatalog, Error> {
        let mut texts = Vec::new();
        for name in CATALOG_FILES {
            let path = dir.join(name);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| Error::new(Phase::Config, ErrorKind::Io(e)).path(path.display().to_string()))?;
            texts.push((name, text));
        }
        let pairs: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (*n, t.as_str())).collect();
        from_texts(&pairs, &dir.display().to_string())
    }
}

fn from_texts(files: &[(&str, &str)], origin: &str) -> Result<LoadedCatalog, Error> {
    let catalog = Catalog::from_files(files).map_err(|e| {
        Error::new(Phase::Config, ErrorKind::Config(e.message.clone())).path(format!("{origin}/{}", e.file))
    })?;
    let mut hasher = Sha256::new();
    for name in CATALOG_FILES {
        let text = files.iter().find(|(n, _)| *n == name).map(|(_, t)| *t).unwrap_or_default();
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
        hasher.update([0]);
    }
    Ok(LoadedCatalog { catalog, sha256: crate::runtime::hex(&hasher.finalize()), origin: origin.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_is_valid() {
        let loaded = from_texts(&BUILTIN, "builtin").unwrap();
        assert!(loaded.catalog.major(7).is_some());
        assert!(loaded.catalog.gcp_project("rhel-cloud").is_some());
        assert!(loaded.catalog.aws_owner("309956199498").is_some());
        assert!(loaded.catalog.aws_name_token("Access2").is_some());
        assert!(loaded.catalog.aws_usage_operation("RunInstances:00g0").is_some());
        assert_eq!(loaded.sha256.len(), 64);
    }

    #[test]
    fn an_image_row_without_an_https_source_names_its_file() {
        let bad = BUILTIN[6].1.replacen("\"https://access.redhat.com/solutions/15356\"", "\"KB 15356\"", 1);
        let mut files = BUILTIN;
        files[6] = ("aws-images.json", bad.as_str());
        let err = from_texts(&files, "x").unwrap_err().to_string();
        assert!(err.contains("aws-images.json") && err.contains("https"), "{err}");
    }

    #[test]
    fn a_bad_row_names_file_and_row() {
        let bad = BUILTIN[1].1.replacen("\"2020-11-30\"", "\"2020-13-30\"", 1);
        let files =
            [BUILTIN[0], ("lifecycle.json", bad.as_str()), BUILTIN[2], BUILTIN[3], BUILTIN[4], BUILTIN[5], BUILTIN[6]];
        let err = from_texts(&files, "x").unwrap_err();
        assert!(err.to_string().contains("lifecycle.json"), "{err}");
        assert!(err.to_string().contains("line"), "{err}");
    }
}
