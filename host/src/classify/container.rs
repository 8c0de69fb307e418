//! Container image references: parsed into registry, repository, tag and digest, and classified
//! as RHEL content or UBI by the patterns of `container-images.json` (repository path first, then
//! the tag), with the RHEL major from whichever matched.

use entitle_sdk::Catalog;
use entitle_sdk::catalog::{ContainerContent, ContainerImageRow, ContainerMatch};

use super::Classification;

/// The catalog file the patterns come from, named in evidence.
const CATALOG_FILE: &str = "container-images.json";

/// The registry a reference without one pulls from.
const DEFAULT_REGISTRY: &str = "docker.io";

/// A container image reference, split as the Docker reference grammar does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerRef {
    /// Registry host (`registry.redhat.io`; `docker.io` when the reference names none).
    pub registry: String,
    /// True when the reference names no registry.
    pub registry_implicit: bool,
    /// Repository path (`rhel8/httpd-24`; `library/nginx` for a bare Docker Hub name).
    pub repository: String,
    /// Tag, when written.
    pub tag: Option<String>,
    /// Digest (`sha256:…`), when written.
    pub digest: Option<String>,
}

impl ContainerRef {
    /// The reference written out in full (`registry/repository[:tag][@digest]`).
    pub fn display(&self) -> String {
        let mut out = format!("{}/{}", self.registry, self.repository);
        if let Some(tag) = &self.tag {
            out.push(':');
            out.push_str(tag);
        }
        if let Some(digest) = &self.digest {
            out.push('@');
            out.push_str(digest);
        }
        out
    }
}

/// Parses `[registry/]repository[:tag][@digest]`; `None` for a blank reference, one with
/// whitespace or unresolved template text (`${X}`), or one the grammar rejects.
pub fn parse_container_image(reference: &str) -> Option<ContainerRef> {
    let text = reference.trim();
    if text.is_empty() || text.contains(char::is_whitespace) || text.contains("${") {
        return None;
    }
    let (name, digest) = match text.split_once('@') {
        Some((name, digest)) if digest.contains(':') => (name, Some(digest.to_owned())),
        Some(_) => return None,
        None => (text, None),
    };
    let (first, rest) = name.split_once('/').unwrap_or(("", name));
    let explicit = !first.is_empty() && (first.contains(['.', ':']) || first == "localhost");
    let (registry, path) = if explicit { (first, rest) } else { (DEFAULT_REGISTRY, name) };
    let (path, tag) = match path.rsplit_once(':') {
        Some((p, t)) if !t.contains('/') => (p, Some(t.to_owned())),
        _ => (path, None),
    };
    let valid = |s: &str| {
        !s.is_empty()
            && s.split('/')
                .all(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)))
    };
    if !valid(path) || tag.as_deref().is_some_and(|t| !valid(t) || t.contains('/')) {
        return None;
    }
    let repository = if !explicit && !path.contains('/') { format!("library/{path}") } else { path.to_owned() };
    Some(ContainerRef {
        registry: registry.to_ascii_lowercase(),
        registry_implicit: !explicit,
        repository,
        tag,
        digest,
    })
}

/// Classifies a container image: a `path` row on its registry first, else a `tag` row. An image
/// no row matches is not known to be Red Hat content.
pub fn classify_container(image: &ContainerRef, catalog: &Catalog) -> Classification {
    let first = image.repository.split('/').next().unwrap_or_default();
    let by_path = rows(catalog, ContainerMatch::Path).filter(|r| r.applies_to(&image.registry)).find_map(|r| {
        r.match_text(first).map(|major| (r, major, format!("repository path {}/{first}", image.registry)))
    });
    let by_tag = || {
        let tag = image.tag.as_deref()?;
        rows(catalog, ContainerMatch::Tag).find_map(|r| r.match_text(tag).map(|major| (r, major, format!("tag {tag}"))))
    };
    classify_tag_or_path(by_path.or_else(by_tag), &image.display())
}

/// Classifies an image known only by an image stream tag name (`postgresql:15-el8`), whose
/// image stream is not among the inputs: only `tag` rows can say anything.
pub fn classify_stream_tag(tag: &str, catalog: &Catalog) -> Classification {
    let found = rows(catalog, ContainerMatch::Tag)
        .find_map(|r| r.match_text(tag).map(|major| (r, major, format!("tag {tag}"))));
    classify_tag_or_path(found, &format!("image stream tag {tag}"))
}

fn rows(catalog: &Catalog, matches: ContainerMatch) -> impl Iterator<Item = &ContainerImageRow> {
    catalog.container_images.iter().filter(move |r| r.matches == matches)
}

fn classify_tag_or_path(found: Option<(&ContainerImageRow, Option<u32>, String)>, shown: &str) -> Classification {
    let mut c = Classification::default();
    let Some((row, major, what)) = found else {
        c.lacks("os.product", format!("{shown} matches no Red Hat pattern of the catalog ({CATALOG_FILE})"));
        c.lacks("os.major", format!("{shown} names no RHEL major"));
        return c;
    };
    let (product, meaning) = match row.content {
        ContainerContent::Rhel => ("rhel", "RHEL content"),
        ContainerContent::Ubi => ("ubi", "a Universal Base Image"),
    };
    let based = if row.matches == ContainerMatch::Tag {
        format!("{meaning} (by its tag, weaker than its path)")
    } else {
        meaning.to_owned()
    };
    c.saw(format!("{what} matches `{}`: {based} (catalog {CATALOG_FILE}, {})", row.pattern, row.confidence.as_str()));
    (c.os.vendor, c.os.product, c.os.major) = (Some("redhat".to_owned()), Some(product.to_owned()), major);
    if major.is_none() {
        c.lacks("os.major", format!("{what} names no RHEL major"));
    }
    c.lacks("os.minor", "a container image tag names no RHEL minor".to_owned());
    c.lacks("os.stream", "a container image carries no update stream".to_owned());
    let billing = match row.content {
        ContainerContent::Rhel => {
            "RHEL content carries no billing of its own: it is entitled by the Red Hat subscription of the host that runs it (RHEL or OpenShift), and registry.redhat.io needs a Red Hat login"
        }
        ContainerContent::Ubi => {
            "UBI is freely redistributable and needs no subscription; Red Hat supports it as RHEL only on a Red Hat platform (RHEL or OpenShift)"
        }
    };
    c.lacks("billing.model", billing.to_owned());
    c
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{catalog, has, summary};
    use super::*;

    /// `reference => registry repository tag digest` (`-` for none), or `=> none`.
    const REFERENCES: &[&str] = &[
        "registry.redhat.io/rhel8/httpd-24:latest => registry.redhat.io rhel8/httpd-24 latest -",
        "registry.access.redhat.com/ubi9 => registry.access.redhat.com ubi9 - -",
        "nginx => docker.io library/nginx - -",
        "nginx:1.25 => docker.io library/nginx 1.25 -",
        "bitnami/postgresql:15 => docker.io bitnami/postgresql 15 -",
        "localhost:5000/app:v1 => localhost:5000 app v1 -",
        "quay.io/org/app@sha256:abc => quay.io org/app - sha256:abc",
        "quay.io/org/app:1@sha256:abc => quay.io org/app 1 sha256:abc",
        " => none",
        "\" \" => none",
        "${IMAGE} => none",
        "a b => none",
        "app@abc => none",
        "registry.io/ => none",
    ];

    /// `reference => vendor/product major.minor stream billing [addons]`.
    const CASES: &[&str] = &[
        "registry.redhat.io/rhel8/httpd-24:latest => redhat/rhel 8.? ? unknown []",
        "registry.access.redhat.com/rhel7:7.9 => redhat/rhel 7.? ? unknown []",
        "registry.access.redhat.com/rhel7-atomic => redhat/rhel 7.? ? unknown []",
        "registry.access.redhat.com/rhel => redhat/rhel ?.? ? unknown []",
        "registry.redhat.io/ubi9/httpd-24:latest => redhat/ubi 9.? ? unknown []",
        "registry.access.redhat.com/ubi8-minimal => redhat/ubi 8.? ? unknown []",
        "registry.redhat.io/UBI10/httpd-24 => redhat/ubi 10.? ? unknown []",
        "quay.io/sclorg/postgresql-15-c9s:15-el8 => redhat/rhel 8.? ? unknown []",
        "docker.io/library/httpd:2.4-ubi9 => redhat/ubi 9.? ? unknown []",
        "docker.io/rhel8/httpd-24 => ?/? ?.? ? unknown []",
        "nginx:1.25 => ?/? ?.? ? unknown []",
        "registry.redhat.io/openshift4/ose-cli => ?/? ?.? ? unknown []",
    ];

    #[test]
    fn parses_references() {
        for case in REFERENCES {
            let (reference, expected) = case.split_once(" => ").unwrap_or_default();
            let reference = reference.trim_matches('"');
            let got = parse_container_image(reference).map_or("none".to_owned(), |r| {
                let part = |p: &Option<String>| p.clone().unwrap_or_else(|| "-".into());
                format!("{} {} {} {}", r.registry, r.repository, part(&r.tag), part(&r.digest))
            });
            assert_eq!(got, expected, "{reference:?}");
        }
    }

    #[test]
    fn classifies_images() {
        for case in CASES {
            let (reference, expected) = case.split_once(" => ").unwrap_or_default();
            let image = parse_container_image(reference).expect(reference);
            assert_eq!(summary(&classify_container(&image, catalog())), expected, "{reference}");
        }
    }

    #[test]
    fn says_why() {
        let c = classify_container(&parse_container_image("registry.redhat.io/ubi9/httpd-24").unwrap(), catalog());
        assert!(has(&c, "billing.model", "freely redistributable"), "{c:#?}");
        assert!(has(&c, "evidence", "repository path registry.redhat.io/ubi9 matches `ubi{major}`"), "{c:#?}");
        let c = classify_stream_tag("15-el8", catalog());
        assert_eq!(summary(&c), "redhat/rhel 8.? ? unknown []");
        assert!(has(&c, "evidence", "tag 15-el8 matches `*-el{major}`: RHEL content (by its tag"), "{c:#?}");
        let c = classify_stream_tag("latest", catalog());
        assert!(has(&c, "os.product", "image stream tag latest matches no Red Hat pattern"), "{c:#?}");
    }
}
