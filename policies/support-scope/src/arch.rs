//! Whether an AWS machine is arm64: the instance's architecture when the host knows it,
//! else the instance family's processor letter (`g` for Graviton: `m7g`, `c6gn`, `t4g`,
//! `r8g`, `x2gd`), else the AMI name (`arm64`, `aarch64`).

use entitle_sdk::Workload;

/// `Some((field, why))` when the workload is arm64: the field the finding rests on.
pub fn arm64(w: &Workload) -> Option<(&'static str, String)> {
    if let Some(arch) = w.instance.as_ref().and_then(|i| i.arch.as_deref()) {
        let arm = matches!(arch.to_ascii_lowercase().as_str(), "arm64" | "aarch64");
        return arm.then(|| ("instance.arch", format!("architecture {arch}")));
    }
    if let Some(size) = w.instance.as_ref().and_then(|i| i.size.as_deref()).filter(|s| graviton(s)) {
        return Some(("instance.size", format!("instance type {size} is a Graviton (arm64) family")));
    }
    let image = [&w.image.reference, &w.image.id].into_iter().flatten().find(|r| {
        let r = r.to_ascii_lowercase();
        r.contains("arm64") || r.contains("aarch64")
    });
    if let Some(image) = image {
        return Some(("image", format!("AMI {image} is arm64")));
    }
    None
}

/// An AWS instance type whose family carries the `g` processor letter after its generation.
fn graviton(size: &str) -> bool {
    let family = size.split('.').next().unwrap_or_default().to_ascii_lowercase();
    let Some(digits) = family.find(|c: char| c.is_ascii_digit()) else { return false };
    let rest = family[digits..].trim_start_matches(|c: char| c.is_ascii_digit());
    size.contains('.') && !family.contains('-') && rest.contains('g')
}

#[cfg(test)]
mod tests {
    use super::graviton;

    #[test]
    fn graviton_families() {
        for arm in ["m7g.large", "c6gn.xlarge", "t4g.micro", "r8g.2xlarge", "x2gd.large", "m6gd.large", "g5g.xlarge"] {
            assert!(graviton(arm), "{arm}");
        }
        for x86 in
            ["m7i.large", "g5.xlarge", "t3.micro", "u-6tb1.metal", "m5dn.large", "Standard_M64s", "n2-standard-8"]
        {
            assert!(!graviton(x86), "{x86}");
        }
    }
}
