//! Image data sources, identified from their arguments without reading them:
//! `data "aws_ami"` (owners → vendor, the name filter or `name_regex` → RHEL release, and a
//! billing model that stays unknown when the pattern matches both `Hourly2` and `Access2`
//! names), `data "google_compute_image"` (project with family or name) and
//! `data "azurerm_platform_image"` (publisher, offer, sku).

use entitle_sdk::Catalog;
use entitle_sdk::model::{BillingModel, Source};

use super::resources::Instance;
use super::value::{Kind, Val};
use crate::classify::{AwsImage, AzureImage, Classification, GcpImage, classify_aws, classify_azure, classify_gcp};

/// What a data source says about the image it selects.
#[derive(Debug)]
pub struct Identity {
    /// The classification.
    pub found: Classification,
    /// Where the deciding argument is written (the name filter, the family).
    pub at: Source,
    /// The references to it before (where the argument's value came from).
    pub trail: Vec<Source>,
    /// The image reference as the data source selects it (a name pattern, a family).
    pub reference: String,
    /// What the data source selects, for evidence.
    pub selects: String,
    /// Where the owner the classification names is written (`owners` of an `aws_ami`).
    pub owner_at: Option<Source>,
}

/// The identity of an image data source instance, when it is one entitle reads.
pub fn identity(i: &Instance, catalog: &Catalog) -> Option<Identity> {
    match i.ty.as_str() {
        "aws_ami" => aws_ami(i, catalog),
        "google_compute_image" => google_image(i, catalog),
        "azurerm_platform_image" => azure_image(i, catalog),
        _ => None,
    }
}

/// The provider of an image data source type.
pub fn provider(ty: &str) -> &'static str {
    match ty {
        "aws_ami" => "aws",
        "google_compute_image" => "gcp",
        "azurerm_platform_image" => "azure",
        _ => "unknown",
    }
}

fn arg(i: &Instance, key: &str) -> Option<Val> {
    i.body.member(key).filter(|v| !matches!(v.kind, Kind::Null))
}

fn text(i: &Instance, key: &str) -> Option<(String, Val)> {
    arg(i, key).and_then(|v| v.as_text().map(|t| (t, v)))
}

fn aws_ami(i: &Instance, catalog: &Catalog) -> Option<Identity> {
    let (owners, owner_at): (Vec<String>, _) = match arg(i, "owners").map(|v| v.kind) {
        Some(Kind::List(items)) => {
            (items.iter().filter_map(Val::as_text).collect(), items.first().and_then(|v| v.at.clone()))
        }
        _ => (Vec::new(), None),
    };
    let mut name_filter = None;
    let mut parts = Vec::new();
    if let Some(filters) = arg(i, "filter").and_then(|v| v.items()) {
        for f in filters {
            let name = f.member("name").and_then(|v| v.as_text()).unwrap_or_default();
            let values = f.member("values");
            let shown = values.as_ref().map(Val::show).unwrap_or_else(|| "(none)".into());
            parts.push(format!("filter {name} = {shown}"));
            if name == "name"
                && let Some(vals) = values.and_then(|v| v.items())
                && let [only] = &vals[..]
                && only.as_text().is_some()
            {
                name_filter = Some((only.as_text().unwrap_or_default(), only.clone()));
            }
        }
    }
    let regex = text(i, "name_regex");
    let from_regex = regex.as_ref().and_then(|(r, v)| regex_pattern(r).map(|p| (p, v.clone())));
    let tokens: Vec<&str> = catalog.aws_name_tokens.iter().map(|t| t.token.as_str()).collect();
    let names_token = |p: &str| p.split(['-', '_', '*', '?']).any(|w| tokens.contains(&w));
    let (pattern, at) = match (&name_filter, &from_regex) {
        (Some(f), Some(r)) if !names_token(&f.0) && names_token(&r.0) => r.clone(),
        (Some(f), _) => f.clone(),
        (None, Some(r)) => r.clone(),
        (None, None) => return None,
    };
    let owner = owners.first().map(String::as_str);
    let mut found = classify_aws(&AwsImage { name: Some(&pattern), owner, ..AwsImage::default() }, catalog);
    let wild = pattern.contains(['*', '?']);
    if found.billing == BillingModel::Unknown
        && wild
        && !names_token(&pattern)
        && found.os.product.as_deref() == Some("rhel")
    {
        let byos: Vec<&str> = words(catalog, BillingModel::Byos);
        let payg: Vec<&str> = words(catalog, BillingModel::Payg);
        let reason = format!(
            "the name pattern {pattern} matches both {} (PAYG, on-demand) and {} (BYOS, Cloud Access) AMI names, \
             so the billing model depends on which AMIs the account can see when the data source is read",
            payg.join("/"),
            byos.join("/")
        );
        found.unknown.retain(|(f, _)| f != "billing.model");
        found.unknown.push(("billing.model".into(), reason));
    }
    let mut selects = Vec::new();
    if !owners.is_empty() {
        selects.push(format!("owners {}", owners.join(", ")));
    }
    if let Some((r, _)) = &regex {
        selects.push(format!("name_regex {r}"));
    }
    selects.extend(parts);
    if let Some(recent) = arg(i, "most_recent") {
        selects.push(format!("most_recent {}", recent.show()));
    }
    Some(Identity {
        found,
        trail: at.via.clone(),
        at: at.at.clone().unwrap_or_else(|| i.at.clone()),
        reference: pattern,
        selects: selects.join(", "),
        owner_at,
    })
}

/// The catalog's AMI name words of a billing model.
fn words(catalog: &Catalog, billing: BillingModel) -> Vec<&str> {
    catalog.aws_name_tokens.iter().filter(|t| t.billing == billing).map(|t| t.token.as_str()).collect()
}

/// A `name_regex` as a name pattern: `^RHEL-7\.9_HVM-\d+-x86_64-` → `RHEL-7.9_HVM-*-x86_64-*`.
/// `None` when it uses constructs other than escapes, `\d`, `.`, `+`, `*`, `?` and anchors.
pub fn regex_pattern(regex: &str) -> Option<String> {
    let anchored = regex.ends_with('$') && !regex.ends_with("\\$");
    let body = regex.strip_prefix('^').unwrap_or(regex);
    let body = if anchored { &body[..body.len() - 1] } else { body };
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                'd' | 'w' => {
                    while chars.peek().is_some_and(|n| matches!(n, '+' | '*' | '?')) {
                        chars.next();
                    }
                    out.push('*');
                }
                other if other.is_ascii_punctuation() => out.push(other),
                _ => return None,
            },
            '.' => {
                while chars.peek().is_some_and(|n| matches!(n, '+' | '*' | '?')) {
                    chars.next();
                }
                out.push('*');
            }
            '[' | '(' | '|' | '{' | '+' | '*' | '?' | '$' | '^' => return None,
            c => out.push(c),
        }
    }
    if !anchored && !out.ends_with('*') {
        out.push('*');
    }
    let mut collapsed = String::new();
    for c in out.chars() {
        if !(c == '*' && collapsed.ends_with('*')) {
            collapsed.push(c);
        }
    }
    Some(collapsed)
}

fn google_image(i: &Instance, catalog: &Catalog) -> Option<Identity> {
    let project = text(i, "project");
    let family = text(i, "family");
    let name = text(i, "name");
    let deciding = family.as_ref().or(name.as_ref())?;
    let image = GcpImage {
        project: project.as_ref().map(|(p, _)| p.as_str()),
        family: family.as_ref().map(|(f, _)| f.as_str()),
        name: name.as_ref().map(|(n, _)| n.as_str()),
        licenses: &[],
    };
    let found = classify_gcp(&image, catalog);
    let reference = match &project {
        Some((p, _)) => format!("{p}/{}", deciding.0),
        None => deciding.0.clone(),
    };
    let selects = [("project", &project), ("family", &family), ("name", &name)]
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|(t, _)| format!("{k} {t}")))
        .collect::<Vec<_>>()
        .join(", ");
    Some(Identity {
        found,
        at: deciding.1.at.clone().unwrap_or_else(|| i.at.clone()),
        trail: deciding.1.via.clone(),
        reference,
        selects,
        owner_at: None,
    })
}

fn azure_image(i: &Instance, catalog: &Catalog) -> Option<Identity> {
    let part = |k: &str| text(i, k);
    let (publisher, offer, sku, version) = (part("publisher"), part("offer"), part("sku"), part("version"));
    let deciding = sku.as_ref().or(offer.as_ref())?;
    fn t(p: &Option<(String, Val)>) -> Option<&str> {
        p.as_ref().map(|(t, _)| t.as_str())
    }
    let image = AzureImage { publisher: t(&publisher), offer: t(&offer), sku: t(&sku), version: t(&version) };
    let found = classify_azure(&image, catalog);
    let reference =
        [t(&publisher), t(&offer), t(&sku), t(&version).or(Some("latest"))].map(|p| p.unwrap_or("?")).join(":");
    Some(Identity {
        found,
        at: deciding.1.at.clone().unwrap_or_else(|| i.at.clone()),
        trail: deciding.1.via.clone(),
        selects: format!("the platform image {reference}"),
        reference,
        owner_at: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_become_name_patterns() {
        assert_eq!(regex_pattern("^RHEL-7\\.9_HVM-\\d+-x86_64-").as_deref(), Some("RHEL-7.9_HVM-*-x86_64-*"));
        assert_eq!(
            regex_pattern("^RHEL-8\\.10\\.0_HVM-\\d+-x86_64-\\d+-Hourly2-GP3$").as_deref(),
            Some("RHEL-8.10.0_HVM-*-x86_64-*-Hourly2-GP3")
        );
        assert_eq!(regex_pattern("^RHEL-(8|9)"), None, "alternation is not read");
    }
}
