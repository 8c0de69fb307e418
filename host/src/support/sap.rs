//! SAP signals outside boot scripts: SAP words in a machine's names, tags and the
//! parameters or variables it uses (`sid`, `SAPSystemSID`, `hana`, `ascs`, `s4hana`), and
//! SAP-certified instance families. A name alone is weak; a name on an SAP-certified size
//! is strong enough for a warning, never more.

/// SAP words and what each says about the product.
const WORDS: [(&str, &str); 10] = [
    ("s4hana", "s4hana"),
    ("hana", "sap-hana"),
    ("hanadb", "sap-hana"),
    ("ascs", "netweaver"),
    ("scs", "netweaver"),
    ("netweaver", "netweaver"),
    ("sapsid", "sap"),
    ("sapsystemid", "sap"),
    ("sapsystemsid", "sap"),
    ("sap", "sap"),
];

/// The SAP kind a text's words name (the most specific), and the word.
pub fn named(text: &str) -> Option<(&'static str, String)> {
    let words = split(text);
    for (word, kind) in WORDS {
        // `hanadb1`, `HANAMaster` name HANA; `johanna` does not.
        if let Some(w) = words.iter().find(|w| w.as_str() == word || (word == "hana" && w.starts_with("hana"))) {
            return Some((kind, w.clone()));
        }
    }
    None
}

/// Words of a name: split at anything but letters and digits and at lower→upper case
/// changes (`sapSystemId` → `sap`, `system`, `id`; also kept whole, lower-cased).
fn split(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|p| !p.is_empty()) {
        out.push(piece.to_ascii_lowercase());
        let mut word = String::new();
        let mut prev_lower = false;
        for c in piece.chars() {
            if c.is_ascii_uppercase() && prev_lower && !word.is_empty() {
                out.push(std::mem::take(&mut word).to_ascii_lowercase());
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            word.push(c);
        }
        if !word.is_empty() && word.len() != piece.len() {
            out.push(word.to_ascii_lowercase());
        }
    }
    out
}

/// True when a size belongs to a family commonly certified for SAP (supporting evidence
/// only; the size catalog decides sizes): Azure M-series and E v5 with local disk, AWS
/// high-memory (`x1`, `x2*`, `u-*`) and `r5`/`r6i`/`r7i` memory families, GCP `m1`–`m3`.
pub fn certified_family(size: &str) -> bool {
    let s = size.to_ascii_lowercase();
    if let Some(azure) = s.strip_prefix("standard_") {
        return azure.starts_with('m') || (azure.starts_with('e') && azure.ends_with("ds_v5"));
    }
    if let Some((family, _)) = s.split_once('.') {
        return ["x1", "x1e", "x2idn", "x2iedn", "x2iezn", "r5", "r6i", "r7i"].contains(&family)
            || family.starts_with("u-")
            || family.starts_with("u7i");
    }
    ["m1", "m2", "m3"].contains(&s.split('-').next().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_split_into_words() {
        assert_eq!(named("hana-db1").map(|n| n.0), Some("sap-hana"));
        assert_eq!(named("[parameters('sapSystemId')]").map(|n| n.0), Some("sap"));
        assert_eq!(named("s4hana-app").map(|n| n.0), Some("s4hana"));
        assert_eq!(named("vm-ascs-01").map(|n| n.0), Some("netweaver"));
        // Words that merely contain the letters are not SAP.
        assert_eq!(named("asap-web"), None);
        assert_eq!(named("descs"), None);
        assert_eq!(named("web-01"), None);
        assert_eq!(named("johanna-vm"), None);
        assert_eq!(named("HANAMasterInstance").map(|n| n.0), Some("sap-hana"));
    }

    #[test]
    fn certified_families() {
        assert!(certified_family("Standard_M64s"));
        assert!(certified_family("Standard_E16ds_v5"));
        assert!(certified_family("x2iedn.xlarge"));
        assert!(certified_family("u-6tb1.metal"));
        assert!(certified_family("m2-ultramem-208"));
        assert!(!certified_family("Standard_D2s_v5"));
        assert!(!certified_family("m7g.large"));
        assert!(!certified_family("t3.micro"));
        assert!(!certified_family("m1.small"));
    }
}
