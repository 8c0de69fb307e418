//! Versioned reference data: lifecycle dates, image tables, each fact with a source.
//!
//! The data lives as JSON files under `policies/catalog/`; the host reads, checks and
//! hashes them and hands the result to every policy. Parsing and checking live here so
//! native policy tests use the same code ([`Catalog::from_files`]).

use serde::{Deserialize, Serialize};

use crate::Date;
use crate::container_images;
pub use crate::container_images::{ContainerContent, ContainerImageRow, ContainerMatch};
pub use crate::product_catalog::{ProductRelease, WmcoNetwork, WmcoRow, WmcoTable};

/// How sure the catalog is of a fact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Read in a Red Hat or cloud vendor primary source.
    Verified,
    /// From a secondary source that copies a primary one.
    Secondary,
    /// Not confirmed; a finding resting on it says so.
    Unverified,
}

impl Confidence {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Verified => "verified",
            Confidence::Secondary => "secondary",
            Confidence::Unverified => "unverified",
        }
    }
}

/// A dated fact with where it comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatedFact {
    /// The date.
    pub date: Date,
    /// Source URL (or document reference).
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
    /// Anything a reader should know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One RHEL major release's lifecycle (domain reference §3.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MajorRelease {
    /// The major release number.
    pub major: u32,
    /// General availability.
    pub ga: DatedFact,
    /// End of Full Support.
    pub full_support_end: DatedFact,
    /// End of Maintenance Support: after it, only ELS keeps the release supported.
    pub maintenance_end: DatedFact,
    /// End of the ELS add-on, the conservative value where sources conflict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub els_end: Option<DatedFact>,
    /// Other published ELS end dates that conflict with `els_end`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub els_end_conflicts: Vec<DatedFact>,
    /// The last minor release (the only one ELS covers), when it has shipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_minor: Option<u32>,
}

/// One RHEL minor release's update streams (domain reference §3.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinorRelease {
    /// Major release.
    pub major: u32,
    /// Minor release.
    pub minor: u32,
    /// Whether Extended Update Support exists for it.
    pub eus: bool,
    /// Whether Update Services for SAP Solutions exists for it.
    pub e4s: bool,
    /// The final minor of its major (follows Maintenance Support).
    #[serde(default)]
    pub last: bool,
    /// End of EUS, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eus_end: Option<DatedFact>,
    /// End of Enhanced EUS (RHEL 9 and later), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enhanced_eus_end: Option<DatedFact>,
    /// End of E4S, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e4s_end: Option<DatedFact>,
    /// Anything a reader should know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// How an Azure marketplace offer is billed and what it includes (domain reference §5.1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzureOffer {
    /// Publisher, compared case-insensitively.
    pub publisher: String,
    /// Offer, compared case-insensitively.
    pub offer: String,
    /// OS vendor (`redhat`).
    pub vendor: String,
    /// OS product (`rhel`).
    pub product: String,
    /// `payg` or `byos`.
    pub billing: crate::model::BillingModel,
    /// Add-ons the offer includes (`ha`, `sap`, `e4s`).
    #[serde(default)]
    pub addons: Vec<String>,
    /// Source URL.
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
    /// Anything a reader should know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An Azure `licenseType` value and what it does (domain reference §1.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzureLicenseType {
    /// The exact, case-sensitive value.
    pub value: String,
    /// The distribution it applies to (`rhel`, `sles`, …); `null` for `None`.
    pub distro: Option<String>,
    /// The billing it switches to; `null` when it restores the image's own.
    pub billing: Option<crate::model::BillingModel>,
    /// Add-ons it brings (`eus`, `sap`, `ha`, `els`).
    #[serde(default)]
    pub addons: Vec<String>,
    /// The update stream it connects the VM to (`eus`, `e4s`, `els`), if it changes it.
    #[serde(default)]
    pub stream: Option<String>,
    /// What it does, per Microsoft.
    pub meaning: String,
    /// Source URL.
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
}

/// A Google Cloud image project that publishes RHEL images (domain reference §1.4). The family
/// grammar (release, stream, `byos` and SAP words) is parsed by the host; this row gives the
/// project's own billing and add-ons.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GcpProject {
    /// The project id (`rhel-cloud`), compared case-insensitively.
    pub project: String,
    /// OS vendor (`redhat`).
    pub vendor: String,
    /// OS product (`rhel`).
    pub product: String,
    /// `payg` or `byos`: the billing of the project's images. A family with a `byos` word, or a
    /// BYOS licence on the image, is BYOS whatever this says.
    pub billing: crate::model::BillingModel,
    /// Add-ons every image of the project includes (`sap`).
    #[serde(default)]
    pub addons: Vec<String>,
    /// Source URL.
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
    /// Anything a reader should know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An AWS account (or owner alias) whose AMIs are not custom images (domain reference §1.3, rule 18).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsOwner {
    /// The account id (`309956199498`) or owner alias (`aws-marketplace`), compared exactly.
    pub owner: String,
    /// Who publishes there: `redhat` for Red Hat's own accounts, `aws-marketplace` for the
    /// Marketplace alias (listings sold by AWS or by Red Hat).
    pub publisher: String,
    /// Where the account publishes: `commercial`, `govcloud`, `china` or `all`.
    pub partition: String,
    /// Source URL.
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
    /// Anything a reader should know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A billing word in a Red Hat AMI name (`Hourly2`, `Access2`; domain reference §1.3, §5.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsNameToken {
    /// The word, exactly as it appears between `-` in the name (case-sensitive, as AWS name filters are).
    pub token: String,
    /// `payg` or `byos`.
    pub billing: crate::model::BillingModel,
    /// The billing products an instance of such an AMI carries in its identity document.
    #[serde(default)]
    pub billing_products: Vec<String>,
    /// Source URL.
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
    /// Anything a reader should know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An EC2 usage operation of a RHEL AMI or instance, with its platform details (domain reference §1.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsUsageOperation {
    /// The usage operation (`RunInstances:0010`), compared case-insensitively.
    pub usage_operation: String,
    /// The platform details AWS shows with it (`Red Hat Enterprise Linux`), compared case-insensitively.
    pub platform_details: String,
    /// `payg` or `byos`.
    pub billing: crate::model::BillingModel,
    /// Add-ons it bills for (`ha`).
    #[serde(default)]
    pub addons: Vec<String>,
    /// Source URL.
    pub source: String,
    /// How sure we are.
    pub confidence: Confidence,
    /// Anything a reader should know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// All reference data, as handed to policies. A policy receives only the tables its
/// metadata names (the others are empty).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    /// The catalog's version (`catalog.json`).
    pub version: String,
    /// RHEL major releases (`lifecycle.json`, table `lifecycle`).
    #[serde(default)]
    pub lifecycle: Vec<MajorRelease>,
    /// Majors whose minors are all listed in `minor_releases` (an unlisted minor of
    /// these has no EUS or E4S).
    #[serde(default)]
    pub minor_release_majors: Vec<u32>,
    /// RHEL minor releases with EUS / E4S (`minor-releases.json`, table `minor-releases`).
    #[serde(default)]
    pub minor_releases: Vec<MinorRelease>,
    /// Azure marketplace offers (`azure-images.json`, table `azure-images`).
    #[serde(default)]
    pub azure_offers: Vec<AzureOffer>,
    /// Azure `licenseType` values (`azure-license-types.json`, table `azure-license-types`).
    #[serde(default)]
    pub azure_license_types: Vec<AzureLicenseType>,
    /// Google Cloud RHEL image projects (`gcp-images.json`, table `gcp-images`).
    #[serde(default)]
    pub gcp_projects: Vec<GcpProject>,
    /// AWS accounts and aliases whose AMIs are not custom images (`aws-images.json`, table `aws-images`).
    #[serde(default)]
    pub aws_owners: Vec<AwsOwner>,
    /// Billing words in Red Hat AMI names (`aws-images.json`, table `aws-images`).
    #[serde(default)]
    pub aws_name_tokens: Vec<AwsNameToken>,
    /// RHEL usage operations and platform details (`aws-images.json`, table `aws-images`).
    #[serde(default)]
    pub aws_usage_operations: Vec<AwsUsageOperation>,
    /// Container image patterns (`container-images.json`, table `container-images`).
    #[serde(default)]
    pub container_images: Vec<ContainerImageRow>,
    /// Subscription units, host-based products, Azure regions without RHEL and AHB
    /// exclusions (`licensing.json`, table `licensing`).
    #[serde(default)]
    pub licensing: crate::licensing::LicensingTable,
    /// Windows Machine Config Operator prerequisites (`wmco.json`, table `wmco`).
    #[serde(default)]
    pub wmco: WmcoTable,
    /// Life cycles of Red Hat products other than RHEL (`product-lifecycle.json`, table
    /// `product-lifecycle`).
    #[serde(default)]
    pub product_lifecycle: Vec<ProductRelease>,
    /// Instance sizes: family, vCPUs, architecture (`instance-sizes.json`, table `instance-sizes`).
    #[serde(default)]
    pub instance_sizes: Vec<crate::platform::InstanceSizeRow>,
    /// Red Hat-certified cloud providers and instance families (`certified-platforms.json`,
    /// table `certified-platforms`).
    #[serde(default)]
    pub certified_platforms: crate::platform::CertifiedPlatforms,
    /// Subscription types and add-ons an org context may declare, with their terms
    /// (`subscription-terms.json`, table `subscription-terms`).
    #[serde(default)]
    pub subscription_terms: crate::subscription_terms::SubscriptionTerms,
}

/// Names of the catalog's tables, as a policy lists them in `policy.json`.
pub const CATALOG_TABLES: [&str; 13] = [
    "lifecycle",
    "minor-releases",
    "azure-images",
    "azure-license-types",
    "gcp-images",
    "aws-images",
    "container-images",
    "licensing",
    "wmco",
    "product-lifecycle",
    "instance-sizes",
    "certified-platforms",
    "subscription-terms",
];

/// A catalog file that failed to parse or check, naming the file and row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogError {
    /// The file name inside the catalog directory.
    pub file: String,
    /// What is wrong, with the row where there is one.
    pub message: String,
}

impl std::fmt::Display for CatalogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "catalog file {}: {}", self.file, self.message)
    }
}

impl std::error::Error for CatalogError {}

/// The files a catalog directory must hold.
pub const CATALOG_FILES: [&str; 14] = [
    "catalog.json",
    "lifecycle.json",
    "minor-releases.json",
    "azure-images.json",
    "azure-license-types.json",
    "gcp-images.json",
    "aws-images.json",
    "container-images.json",
    "licensing.json",
    crate::product_catalog::WMCO_FILE,
    crate::product_catalog::LIFECYCLE_FILE,
    crate::platform::SIZES_FILE,
    crate::platform::CERTIFIED_FILE,
    crate::subscription_terms::FILE,
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    version: String,
    #[serde(default)]
    #[allow(dead_code)]
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MinorTable {
    #[serde(default)]
    #[allow(dead_code)]
    description: String,
    majors: Vec<u32>,
    rows: Vec<MinorRelease>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table<T> {
    #[serde(default)]
    #[allow(dead_code)]
    description: String,
    rows: Vec<T>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AwsTable {
    #[serde(default)]
    #[allow(dead_code)]
    description: String,
    owners: Vec<AwsOwner>,
    name_tokens: Vec<AwsNameToken>,
    usage_operations: Vec<AwsUsageOperation>,
}

impl Catalog {
    /// Builds a catalog from `(file name, text)` pairs, one for each of [`CATALOG_FILES`].
    pub fn from_files(files: &[(&str, &str)]) -> Result<Catalog, CatalogError> {
        let text = |name: &str| {
            files
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| *t)
                .ok_or_else(|| CatalogError { file: name.to_owned(), message: "missing from the catalog".to_owned() })
        };
        let header: Header = parse("catalog.json", text("catalog.json")?)?;
        let lifecycle: Table<MajorRelease> = parse("lifecycle.json", text("lifecycle.json")?)?;
        let azure: Table<AzureOffer> = parse("azure-images.json", text("azure-images.json")?)?;
        let licenses: Table<AzureLicenseType> = parse("azure-license-types.json", text("azure-license-types.json")?)?;
        let minors: MinorTable = parse("minor-releases.json", text("minor-releases.json")?)?;
        let gcp: Table<GcpProject> = parse("gcp-images.json", text("gcp-images.json")?)?;
        let aws: AwsTable = parse("aws-images.json", text("aws-images.json")?)?;
        let containers: Table<ContainerImageRow> = parse(container_images::FILE, text(container_images::FILE)?)?;
        let licensing: crate::licensing::LicensingTable = parse("licensing.json", text("licensing.json")?)?;
        let wmco: WmcoTable = parse(crate::product_catalog::WMCO_FILE, text(crate::product_catalog::WMCO_FILE)?)?;
        let products: Table<ProductRelease> =
            parse(crate::product_catalog::LIFECYCLE_FILE, text(crate::product_catalog::LIFECYCLE_FILE)?)?;
        let sizes: Table<crate::platform::InstanceSizeRow> =
            parse(crate::platform::SIZES_FILE, text(crate::platform::SIZES_FILE)?)?;
        let certified: crate::platform::CertifiedPlatforms =
            parse(crate::platform::CERTIFIED_FILE, text(crate::platform::CERTIFIED_FILE)?)?;
        let terms = crate::subscription_terms::FILE;
        let subscription_terms: crate::subscription_terms::SubscriptionTerms = parse(terms, text(terms)?)?;
        let catalog = Catalog {
            version: header.version,
            lifecycle: lifecycle.rows,
            minor_release_majors: minors.majors,
            minor_releases: minors.rows,
            azure_offers: azure.rows,
            azure_license_types: licenses.rows,
            gcp_projects: gcp.rows,
            aws_owners: aws.owners,
            aws_name_tokens: aws.name_tokens,
            aws_usage_operations: aws.usage_operations,
            container_images: containers.rows,
            licensing,
            wmco,
            product_lifecycle: products.rows,
            instance_sizes: sizes.rows,
            certified_platforms: certified,
            subscription_terms,
        };
        catalog.check()?;
        crate::platform::check_sizes(&catalog.instance_sizes)?;
        crate::platform::check_certified(&catalog.certified_platforms, &catalog.instance_sizes)?;
        catalog.licensing.check()?;
        catalog.wmco.check()?;
        crate::product_catalog::check_lifecycle(&catalog.product_lifecycle)?;
        catalog.subscription_terms.check()?;
        Ok(catalog)
    }

    /// A copy holding only `tables` (all of them when `tables` is empty).
    pub fn subset(&self, tables: &[String]) -> Catalog {
        let wants = |t: &str| tables.is_empty() || tables.iter().any(|x| x == t);
        let (minors, aws) = (wants("minor-releases"), wants("aws-images"));
        Catalog {
            version: self.version.clone(),
            lifecycle: if wants("lifecycle") { self.lifecycle.clone() } else { Vec::new() },
            minor_release_majors: if minors { self.minor_release_majors.clone() } else { Vec::new() },
            minor_releases: if minors { self.minor_releases.clone() } else { Vec::new() },
            azure_offers: if wants("azure-images") { self.azure_offers.clone() } else { Vec::new() },
            azure_license_types: if wants("azure-license-types") {
                self.azure_license_types.clone()
            } else {
                Vec::new()
            },
            gcp_projects: if wants("gcp-images") { self.gcp_projects.clone() } else { Vec::new() },
            aws_owners: if aws { self.aws_owners.clone() } else { Vec::new() },
            aws_name_tokens: if aws { self.aws_name_tokens.clone() } else { Vec::new() },
            aws_usage_operations: if aws { self.aws_usage_operations.clone() } else { Vec::new() },
            container_images: if wants("container-images") { self.container_images.clone() } else { Vec::new() },
            licensing: if wants("licensing") { self.licensing.clone() } else { Default::default() },
            wmco: if wants("wmco") { self.wmco.clone() } else { Default::default() },
            product_lifecycle: if wants("product-lifecycle") { self.product_lifecycle.clone() } else { Vec::new() },
            instance_sizes: if wants("instance-sizes") { self.instance_sizes.clone() } else { Vec::new() },
            certified_platforms: if wants("certified-platforms") {
                self.certified_platforms.clone()
            } else {
                Default::default()
            },
            subscription_terms: if wants("subscription-terms") {
                self.subscription_terms.clone()
            } else {
                Default::default()
            },
        }
    }

    /// The `licenseType` row for an exact (case-sensitive) value.
    pub fn azure_license_type(&self, value: &str) -> Option<&AzureLicenseType> {
        self.azure_license_types.iter().find(|l| l.value == value)
    }

    /// The row of a minor release, if it has EUS or E4S.
    pub fn minor(&self, major: u32, minor: u32) -> Option<&MinorRelease> {
        self.minor_releases.iter().find(|r| r.major == major && r.minor == minor)
    }

    /// The lifecycle row of a major release.
    pub fn major(&self, major: u32) -> Option<&MajorRelease> {
        self.lifecycle.iter().find(|r| r.major == major)
    }

    /// The Azure offer row for a publisher and offer (case-insensitive).
    pub fn azure_offer(&self, publisher: &str, offer: &str) -> Option<&AzureOffer> {
        self.azure_offers
            .iter()
            .find(|o| o.publisher.eq_ignore_ascii_case(publisher) && o.offer.eq_ignore_ascii_case(offer))
    }

    /// The Google Cloud image project row (case-insensitive).
    pub fn gcp_project(&self, project: &str) -> Option<&GcpProject> {
        self.gcp_projects.iter().find(|p| p.project.eq_ignore_ascii_case(project.trim()))
    }

    /// The AWS owner row for an account id or alias (exact).
    pub fn aws_owner(&self, owner: &str) -> Option<&AwsOwner> {
        self.aws_owners.iter().find(|o| o.owner == owner.trim())
    }

    /// The row of an AMI-name billing word (exact, case-sensitive).
    pub fn aws_name_token(&self, token: &str) -> Option<&AwsNameToken> {
        self.aws_name_tokens.iter().find(|t| t.token == token)
    }

    /// The row of a usage operation (case-insensitive).
    pub fn aws_usage_operation(&self, usage_operation: &str) -> Option<&AwsUsageOperation> {
        self.aws_usage_operations.iter().find(|u| u.usage_operation.eq_ignore_ascii_case(usage_operation.trim()))
    }

    /// The usage-operation row whose platform details are `details` (case-insensitive).
    pub fn aws_platform_details(&self, details: &str) -> Option<&AwsUsageOperation> {
        self.aws_usage_operations.iter().find(|u| u.platform_details.eq_ignore_ascii_case(details.trim()))
    }

    fn check(&self) -> Result<(), CatalogError> {
        let fail = |file: &str, message: String| Err(CatalogError { file: file.to_owned(), message });
        if self.version.trim().is_empty() {
            return fail("catalog.json", "`version` is empty".into());
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, row) in self.lifecycle.iter().enumerate() {
            let at = format!("row {} (RHEL {})", i + 1, row.major);
            if !seen.insert(row.major) {
                return fail("lifecycle.json", format!("{at}: major {} appears twice", row.major));
            }
            let mut facts = vec![("ga", &row.ga), ("full_support_end", &row.full_support_end)];
            facts.push(("maintenance_end", &row.maintenance_end));
            facts.extend(row.els_end.iter().map(|f| ("els_end", f)));
            facts.extend(row.els_end_conflicts.iter().map(|f| ("els_end_conflicts", f)));
            for (name, fact) in &facts {
                if !fact.source.starts_with("https://") && !fact.source.starts_with("http://") {
                    return fail(
                        "lifecycle.json",
                        format!("{at}: `{name}.source` must be a URL, got `{}`", fact.source),
                    );
                }
            }
            let order = [row.ga.date, row.full_support_end.date, row.maintenance_end.date];
            if !order.windows(2).all(|w| w[0] <= w[1]) {
                return fail("lifecycle.json", format!("{at}: dates must run ga ≤ full_support_end ≤ maintenance_end"));
            }
            if let Some(els) = row.els_end.as_ref().filter(|els| els.date < row.maintenance_end.date) {
                return fail("lifecycle.json", format!("{at}: els_end {} is before maintenance_end", els.date));
            }
        }
        let mut offers = std::collections::BTreeSet::new();
        for (i, row) in self.azure_offers.iter().enumerate() {
            let at = format!("row {} ({}:{})", i + 1, row.publisher, row.offer);
            if !offers.insert((row.publisher.to_ascii_lowercase(), row.offer.to_ascii_lowercase())) {
                return fail("azure-images.json", format!("{at}: offer appears twice"));
            }
            if !row.source.starts_with("https://") {
                return fail("azure-images.json", format!("{at}: `source` must be a URL"));
            }
            if row.billing == crate::model::BillingModel::Unknown {
                return fail("azure-images.json", format!("{at}: `billing` must be payg or byos"));
            }
        }
        let mut minors = std::collections::BTreeSet::new();
        for (i, row) in self.minor_releases.iter().enumerate() {
            let at = format!("row {} (RHEL {}.{})", i + 1, row.major, row.minor);
            if !minors.insert((row.major, row.minor)) || !self.minor_release_majors.contains(&row.major) {
                return fail("minor-releases.json", format!("{at}: appears twice, or its major is not in `majors`"));
            }
            let facts = [&row.eus_end, &row.enhanced_eus_end, &row.e4s_end];
            if let Some(bad) = facts.into_iter().flatten().find(|f| !f.source.starts_with("https://")) {
                return fail("minor-releases.json", format!("{at}: source `{}` is not a URL", bad.source));
            }
            if (row.eus_end.is_some() && !row.eus) || (row.e4s_end.is_some() && !row.e4s) {
                return fail("minor-releases.json", format!("{at}: an end date for a stream it does not have"));
            }
        }
        let mut values = std::collections::BTreeSet::new();
        for (i, row) in self.azure_license_types.iter().enumerate() {
            if !values.insert(row.value.as_str()) || !row.source.starts_with("https://") {
                let why = "appears twice or has no https source";
                return fail("azure-license-types.json", format!("row {} ({}): {why}", i + 1, row.value));
            }
        }
        let gcp = self.gcp_projects.iter().map(|r| (r.project.as_str(), r.source.as_str(), Some(r.billing)));
        unique_rows("gcp-images.json", "project", gcp)?;
        let owners = self.aws_owners.iter().map(|r| (r.owner.as_str(), r.source.as_str(), None));
        unique_rows("aws-images.json", "owner", owners)?;
        if let Some((i, row)) = self.aws_owners.iter().enumerate().find(|(_, r)| r.publisher.trim().is_empty()) {
            return fail("aws-images.json", format!("owner row {} ({}): `publisher` is empty", i + 1, row.owner));
        }
        let tokens = self.aws_name_tokens.iter().map(|r| (r.token.as_str(), r.source.as_str(), Some(r.billing)));
        unique_rows("aws-images.json", "name token", tokens)?;
        if let Some(row) = self.aws_name_tokens.iter().find(|r| r.token.contains(['-', '_', '*', '?'])) {
            return fail("aws-images.json", format!("name token `{}` must be one word (no - _ * ?)", row.token));
        }
        let ops = || self.aws_usage_operations.iter();
        let by_operation = ops().map(|r| (r.usage_operation.as_str(), r.source.as_str(), Some(r.billing)));
        unique_rows("aws-images.json", "usage operation", by_operation)?;
        let by_details = ops().map(|r| (r.platform_details.as_str(), r.source.as_str(), None));
        unique_rows("aws-images.json", "platform details", by_details)?;
        container_images::check(&self.container_images)
    }
}

/// Checks rows given as (key, source, billing): keys non-empty and unique (case-insensitive),
/// sources https URLs, billing (where the row has one) payg or byos.
fn unique_rows<'a>(
    file: &str,
    what: &str,
    rows: impl Iterator<Item = (&'a str, &'a str, Option<crate::model::BillingModel>)>,
) -> Result<(), CatalogError> {
    let mut keys = std::collections::BTreeSet::new();
    for (i, (key, source, billing)) in rows.enumerate() {
        let problem = if key.trim().is_empty() {
            "is empty"
        } else if !keys.insert(key.trim().to_ascii_lowercase()) {
            "appears twice"
        } else if !source.starts_with("https://") {
            "has no https source"
        } else if billing == Some(crate::model::BillingModel::Unknown) {
            "has no billing model (payg or byos)"
        } else {
            continue;
        };
        return Err(CatalogError {
            file: file.to_owned(),
            message: format!("{what} row {} (`{key}`) {problem}", i + 1),
        });
    }
    Ok(())
}

fn parse<'a, T: Deserialize<'a>>(file: &str, text: &'a str) -> Result<T, CatalogError> {
    serde_json::from_str(text).map_err(|e| CatalogError { file: file.to_owned(), message: e.to_string() })
}
