//! Azure licence types (Hybrid Benefit), CSP subscriptions and China regions:
//! `AZ-AHB-BYOS-NEEDS-CLOUDACCESS`, `AZ-AHB-PAYG-TYPES-NEED-EXTENSION`,
//! `AZ-AHB-INELIGIBLE-IMAGE`, `AZ-LICENSETYPE-DISTRO-MISMATCH`,
//! `AZ-LICENSETYPE-UNKNOWN`, `AZ-BYOS-CSP`, `AZ-RHEL-REGION-21VIANET`.

use entitle_sdk::catalog::AzureLicenseType;
use entitle_sdk::context::OrgContext;
use entitle_sdk::model::BillingModel;
use entitle_sdk::{Evaluation, Finding, Workload};

use crate::missing::Missing;
use crate::text::{as_billed, image, start, subject};

/// Rule id (domain reference rule 6).
pub const NEEDS_CLOUDACCESS: &str = "AZ-AHB-BYOS-NEEDS-CLOUDACCESS";
/// Rule id (rule 7).
pub const NEEDS_EXTENSION: &str = "AZ-AHB-PAYG-TYPES-NEED-EXTENSION";
/// Rule id (rule 8).
pub const INELIGIBLE_IMAGE: &str = "AZ-AHB-INELIGIBLE-IMAGE";
/// Rule id (rule 9).
pub const TYPE_MISMATCH: &str = "AZ-LICENSETYPE-DISTRO-MISMATCH";
/// Rule id (rule 10).
pub const TYPE_UNKNOWN: &str = "AZ-LICENSETYPE-UNKNOWN";
/// Rule id (rule 12).
pub const BYOS_CSP: &str = "AZ-BYOS-CSP";
/// Rule id (rule 13).
pub const REGION_21VIANET: &str = "AZ-RHEL-REGION-21VIANET";

const LT: &str = "billing.license_type";
const ENROL: &str = "Enrol the Azure subscription in Red Hat Cloud Access (https://access.redhat.com/public-cloud/microsoft-azure) and declare it in the org context: accounts: [{cloud: azure, id: <subscription id>, cloud_access: true}]";

/// The Azure findings for `w`.
pub fn check(eval: &Evaluation, ctx: Option<&OrgContext>, w: &Workload, missing: &mut Missing) -> Vec<Finding> {
    if w.provider != "azure" {
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Some(lt) = w.billing.license_type.as_deref() {
        out.extend(license_type(eval, ctx, w, lt, missing));
    }
    out.extend(csp(eval, ctx, w, missing));
    out.extend(region(eval, w));
    out
}

fn license_type(
    eval: &Evaluation,
    ctx: Option<&OrgContext>,
    w: &Workload,
    lt: &str,
    missing: &mut Missing,
) -> Vec<Finding> {
    let Some(row) = eval.catalog.azure_license_type(lt) else { return vec![unknown_type(eval, w, lt)] };
    let Some(distro) = row.distro.as_deref() else { return Vec::new() };
    // A non-Red Hat or SQL Server image: the switch does nothing. On an image of another
    // distribution both rules hold, each with its own fix: the licence type is
    // ineligible there (rule 8, an error) and Azure ignores it (rule 9, a warning). An
    // excluded product (SQL Server on RHEL) runs RHEL: rule 8 only.
    let mut refused = Vec::new();
    let mut excluded = false;
    if row.billing == Some(BillingModel::Byos)
        && distro == "rhel"
        && let Some((f, product)) = ineligible(eval, w, lt)
    {
        refused.push(f);
        excluded = product;
    }
    if !excluded && let Some(os) = distro_of(w).filter(|os| *os != distro) {
        refused.push(mismatch(eval, w, row, distro, os));
    }
    if !refused.is_empty() {
        return refused;
    }
    let own = own_billing(eval, w);
    let mut out = Vec::new();
    match row.billing {
        Some(BillingModel::Byos) if distro == "rhel" && w.is_rhel() && own != Some(BillingModel::Byos) => {
            out.extend(cloud_access(eval, ctx, w, missing));
        }
        Some(BillingModel::Payg) if distro == "rhel" => {
            let custom = w.image.offer.is_none() && w.image.id.is_some();
            if (own == Some(BillingModel::Byos) || custom) && !has_ahb_extension(w) {
                out.push(needs_extension(eval, w, lt, custom));
            }
        }
        _ => {}
    }
    out
}

/// The distribution a licence-type row would name for this image: `rhel`, `sles`,
/// `ubuntu`, `windows`, or the vendor; `None` when the OS is not known.
fn distro_of(w: &Workload) -> Option<&str> {
    match (w.os.product.as_deref(), w.os.vendor.as_deref()) {
        (Some(product), _) => Some(product),
        (None, Some("suse")) => Some("sles"),
        (None, Some("canonical")) => Some("ubuntu"),
        (None, Some("microsoft")) => Some("windows"),
        (None, Some("redhat")) => Some("rhel"),
        (None, vendor) => vendor,
    }
}

/// The billing of the image itself (catalog offer row), before any licence type.
fn own_billing(eval: &Evaluation, w: &Workload) -> Option<BillingModel> {
    let (publisher, offer) = (w.image.publisher.as_deref()?, w.image.offer.as_deref()?);
    eval.catalog.azure_offer(publisher, offer).map(|r| r.billing)
}

fn has_ahb_extension(w: &Workload) -> bool {
    w.boot.iter().any(|b| {
        b.extension_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("AHBForRHEL"))
            && b.publisher.as_deref().is_some_and(|p| p.eq_ignore_ascii_case("Microsoft.Azure.AzureHybridBenefit"))
    })
}

fn unknown_type(eval: &Evaluation, w: &Workload, lt: &str) -> Finding {
    let near = eval.catalog.azure_license_types.iter().find(|r| r.value.eq_ignore_ascii_case(lt));
    let (why, fix) = match near {
        Some(r) => (
            format!("licenseType `{lt}` is not an Azure value; values are case-sensitive and the value is `{}`", r.value),
            format!("Set `licenseType` to `{}`, or remove it to keep the image's own billing.", r.value),
        ),
        None => (
            format!("licenseType `{lt}` is not a value Azure accepts"),
            "Remove `licenseType` to keep the image's own billing, or set one of the values in the catalog (RHEL_BYOS to bring a Red Hat subscription; RHEL_BASE, RHEL_EUS, RHEL_SAPAPPS, RHEL_SAPHA, RHEL_BASESAPAPPS, RHEL_BASESAPHA to pay through Azure).".to_owned(),
        ),
    };
    start(TYPE_UNKNOWN, eval, w, LT, format!("{why} ({})", subject(w)))
        .evidence(format!("catalog azure-license-types.json has {} values", eval.catalog.azure_license_types.len()))
        .fix(fix)
}

fn mismatch(eval: &Evaluation, w: &Workload, row: &AzureLicenseType, distro: &str, os: &str) -> Finding {
    let lt = &row.value;
    let message = format!(
        "licenseType {lt} is for {distro}, but {} runs {os}: Azure ignores it silently and bills as the image does",
        subject(w)
    );
    start(TYPE_MISMATCH, eval, w, LT, message)
        .evidence(format!("catalog azure-license-types.json {lt}: distro {distro} ({})", row.confidence.as_str()))
        .fix(format!(
            "Remove `licenseType: {lt}` from {}, or deploy a {distro} image, which is what the licence type is for.",
            w.resource
        ))
}

/// Rule 8 for `w`, and whether it is an excluded product (rather than a publisher that
/// is not Red Hat).
fn ineligible(eval: &Evaluation, w: &Workload, lt: &str) -> Option<(Finding, bool)> {
    let publisher = w.image.publisher.as_deref()?;
    let offer = w.image.offer.as_deref().unwrap_or_default();
    let excluded = eval.catalog.licensing.ahb_ineligible(publisher, offer);
    let why = match excluded {
        Some(row) => format!("{} images are excluded from Azure Hybrid Benefit", row.what),
        None if !publisher.eq_ignore_ascii_case("RedHat") => {
            format!("publisher {publisher} is not Red Hat, and only Red Hat-published RHEL images can switch to BYOS")
        }
        None => return None,
    };
    let message = format!("licenseType {lt} on {}: {why}, so the switch does nothing", subject(w));
    let f = start(INELIGIBLE_IMAGE, eval, w, LT, message)
        .fix(format!("Remove `licenseType: {lt}`; to bring a Red Hat subscription, deploy a Red Hat image (offer rhel-byos with its plan, or offer RHEL with licenseType {lt})."));
    Some((f, excluded.is_some()))
}

fn cloud_access(eval: &Evaluation, ctx: Option<&OrgContext>, w: &Workload, missing: &mut Missing) -> Option<Finding> {
    let accounts = ctx.map(|c| c.accounts_for("azure", &eval.deployment.path)).unwrap_or_default();
    if accounts.is_empty() {
        missing.note(
            eval,
            NEEDS_CLOUDACCESS,
            w,
            LT,
            "the Azure subscription and whether it is enrolled in Red Hat Cloud Access",
            ENROL,
        );
        return None;
    }
    let not_enrolled: Vec<String> =
        accounts.iter().filter(|a| !a.cloud_access).map(|a| a.name.clone().unwrap_or_else(|| a.id.clone())).collect();
    if not_enrolled.is_empty() {
        return None;
    }
    let message = format!(
        "licenseType RHEL_BYOS on {} switches it to BYOS, but Azure subscription {} is not enrolled in Red Hat Cloud Access: Azure refuses the switch",
        subject(w),
        not_enrolled.join(", ")
    );
    Some(
        start(NEEDS_CLOUDACCESS, eval, w, LT, message)
            .evidence(as_billed(eval, w, BillingModel::Byos))
            .evidence(format!("org context: cloud_access false for {}", not_enrolled.join(", ")))
            .fix(format!("{ENROL}; or remove `licenseType: RHEL_BYOS` to stay PAYG.")),
    )
}

fn needs_extension(eval: &Evaluation, w: &Workload, lt: &str, custom: bool) -> Finding {
    let what = if custom { "a custom image (BYOS by nature)" } else { "a BYOS image" };
    let message = format!(
        "licenseType {lt} switches {} ({what}) to PAYG, but no AHBForRHEL extension is deployed with it",
        subject(w)
    );
    start(NEEDS_EXTENSION, eval, w, LT, message).fix(format!(
        "Add the extension to {} before the licence type takes effect: {{\"type\": \"Microsoft.Compute/virtualMachines/extensions\", \"name\": \"<vm>/AHBForRHEL\", \"properties\": {{\"publisher\": \"Microsoft.Azure.AzureHybridBenefit\", \"type\": \"AHBForRHEL\", \"typeHandlerVersion\": \"1.0\"}}}}; or remove `licenseType: {lt}` to stay BYOS.",
        w.resource
    ))
}

fn csp(eval: &Evaluation, ctx: Option<&OrgContext>, w: &Workload, missing: &mut Missing) -> Option<Finding> {
    if !w.is_rhel() || own_billing(eval, w) != Some(BillingModel::Byos) {
        return None;
    }
    let accounts = ctx.map(|c| c.accounts_for("azure", &eval.deployment.path)).unwrap_or_default();
    if accounts.iter().all(|a| a.offer_type.is_none()) {
        let fix = "Declare the Azure subscription's offer type in the org context: accounts: [{cloud: azure, id: <subscription id>, cloud_access: true, offer_type: ea}]";
        missing.note(eval, BYOS_CSP, w, "image.offer", "the Azure subscription's offer type (CSP or not)", fix);
        return None;
    }
    let csp: Vec<String> = accounts
        .iter()
        .filter(|a| a.offer_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("csp")))
        .map(|a| a.name.clone().unwrap_or_else(|| a.id.clone()))
        .collect();
    if csp.is_empty() {
        return None;
    }
    let message = format!(
        "{} is a private BYOS plan, and Azure subscription {} is a CSP subscription, where BYOS images are not supported",
        subject(w),
        csp.join(", ")
    );
    Some(
        start(BYOS_CSP, eval, w, "image.offer", message)
            .evidence(format!("org context: offer_type csp for {}", csp.join(", ")))
            .fix("Deploy into a non-CSP subscription (EA, MCA or pay-as-you-go) enrolled in Cloud Access, or use the PAYG offer RHEL (drop the `plan` block and set the image offer to RHEL with a matching SKU)."),
    )
}

fn region(eval: &Evaluation, w: &Workload) -> Option<Finding> {
    let publisher = w.image.publisher.as_deref()?;
    if !publisher.eq_ignore_ascii_case("RedHat") {
        return None;
    }
    let region = w.region.as_deref()?;
    let row = eval.catalog.licensing.region_without_rhel(region)?;
    let message = format!(
        "{} is a RHEL marketplace image, but region {region} is in {}, where Red Hat publishes no RHEL images",
        image(w),
        row.cloud
    );
    Some(
        start(REGION_21VIANET, eval, w, "region", message)
            .evidence(format!("catalog licensing.json region {}: {} ({})", row.region, row.cloud, row.confidence.as_str()))
            .fix(format!("Deploy {} in a global Azure region (or Azure Government), or upload your own RHEL image (BYOS, with a Red Hat subscription) if it must run in {}.", w.resource, row.cloud)),
    )
}
