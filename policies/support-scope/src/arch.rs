//! Whether an AWS machine is arm64: the instance's architecture when the host knows it
//! (declared, or the catalog's size table: `m7g`, `c6gn`, `t4g` are Graviton), else the
//! AMI name (`arm64`, `aarch64`). A size the catalog does not know is not guessed.

use entitle_sdk::Workload;

/// `Some((field, why))` when the workload is arm64: the field the finding rests on.
pub fn arm64(w: &Workload) -> Option<(&'static str, String)> {
    if let Some(arch) = w.instance.as_ref().and_then(|i| i.arch.as_deref()) {
        let arm = matches!(arch.to_ascii_lowercase().as_str(), "arm64" | "aarch64");
        let why = match w.instance.as_ref().and_then(|i| i.size.as_deref()) {
            Some(size) => format!("instance type {size} is {arch}"),
            None => format!("declared architecture {arch}"),
        };
        return arm.then_some(("instance.arch", why));
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
