//! Findings on parameter choices (alternatives): where they point — the choice's own
//! provenance and trail, not the default's — and which ones are folded because they
//! repeat another finding in substance.

use std::collections::{BTreeMap, BTreeSet};

use entitle_sdk::Workload;
use entitle_sdk::model::{Alternative, Source};

use crate::report::{Finding, Location};

/// Most choices named in a message when findings are folded; the evidence names them all.
const NAMED_IN_MESSAGE: usize = 3;

/// The location of `field` under a choice and the trail its value took there: the
/// alternative's own provenance for the field (or its nearest parent field), else the
/// default's placement (a field the choice does not change).
pub fn locate(
    default: &Workload,
    choice: &Alternative,
    field: &str,
    fallback: impl Fn(&Workload, &str) -> (Location, Vec<Location>),
) -> (Location, Vec<Location>) {
    let mut key = field;
    loop {
        if let Some(source) = choice.provenance.get(key) {
            let trail = choice.trail.get(key).map(|t| t.iter().map(location).collect()).unwrap_or_default();
            return (location(source), trail);
        }
        match key.rfind('.') {
            Some(dot) => key = &key[..dot],
            None => return fallback(default, field),
        }
    }
}

/// A report location for a model source (line and column 1 when not known).
pub fn location(source: &Source) -> Location {
    Location {
        path: source.path.clone(),
        line: source.line.unwrap_or(1),
        column: source.column.unwrap_or(1),
        pointer: source.pointer.clone(),
    }
}

/// What makes two findings of one workload say the same thing: rule, field, fix, and
/// the RHEL majors and dates their messages name. A choice of 7.3 where the default is
/// 7.2 repeats the default's `RHEL-LC-MAJOR-EOL` (same major, date and fix); a choice of
/// 6.7 does not (another major, another end date, another fix), nor does an EUS minor
/// whose EUS ended on another day.
fn substance(f: &Finding) -> (String, String, String, Option<String>, BTreeSet<String>) {
    (f.workload.clone(), f.rule.clone(), f.field.clone(), f.fix.clone(), facts(&f.message))
}

/// The dates (`2024-06-30`) and RHEL majors (`RHEL 7`, from `RHEL 7.2` too) a message names.
fn facts(message: &str) -> BTreeSet<String> {
    let words: Vec<&str> = message.split(|c: char| c.is_whitespace() || ",;:()".contains(c)).collect();
    let mut out = BTreeSet::new();
    for (i, word) in words.iter().enumerate() {
        let b = word.as_bytes();
        let is_date = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter().enumerate().all(|(j, c)| j == 4 || j == 7 || c.is_ascii_digit());
        if is_date {
            out.insert((*word).to_owned());
        }
        if *word == "RHEL"
            && let Some(major) = words.get(i + 1).and_then(|w| w.split('.').next())
            && !major.is_empty()
            && major.bytes().all(|c| c.is_ascii_digit())
        {
            out.insert(format!("RHEL {major}"));
        }
    }
    out
}

/// Folds findings on choices that repeat, in substance, a finding of the default
/// deployment or of an earlier choice: the repeat is dropped and the finding it repeats
/// names the folded choice (in its message, at most [`NAMED_IN_MESSAGE`] of them, and in
/// its evidence, all of them). A choice whose finding differs in substance is kept.
pub fn fold_repeats(found: Vec<Finding>) -> Vec<Finding> {
    // The default's findings come first, so a choice folds into the default when it can.
    let (mut kept, choices): (Vec<Finding>, Vec<Finding>) = found.into_iter().partition(|f| f.alternative.is_none());
    let mut by_substance: BTreeMap<_, usize> = kept.iter().enumerate().map(|(i, f)| (substance(f), i)).collect();
    let mut folded: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for f in choices {
        let key = substance(&f);
        match by_substance.get(&key) {
            Some(&i) => folded.entry(i).or_default().extend(f.alternative),
            None => {
                by_substance.insert(key, kept.len());
                kept.push(f);
            }
        }
    }
    for (i, whens) in folded {
        let f = &mut kept[i];
        let mut named: Vec<&str> = whens.iter().take(NAMED_IN_MESSAGE).map(String::as_str).collect();
        let more = whens.len().saturating_sub(NAMED_IN_MESSAGE);
        let more_text = format!("{more} more choice{}", if more == 1 { "" } else { "s" });
        if more > 0 {
            named.push(&more_text);
        }
        f.message = format!("{} (the same if deployed with {})", f.message, named.join("; or "));
        f.evidence.push(format!("the same finding, folded here, if deployed with: {}", whens.join("; or ")));
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use entitle_sdk::Severity;

    fn finding(rule: &str, message: &str, fix: &str, when: Option<&str>) -> Finding {
        let at = Location { path: "t.json".into(), line: 1, column: 1, pointer: String::new() };
        Finding {
            rule: rule.into(),
            policy: "p".into(),
            severity: Severity::Warning,
            message: message.into(),
            resource: "vm".into(),
            workload: "vm".into(),
            field: "os.major".into(),
            location: at,
            trail: Vec::new(),
            alternative: when.map(str::to_owned),
            evidence: Vec::new(),
            fix: Some(fix.into()),
            fingerprint: String::new(),
            suppression: None,
        }
    }

    #[test]
    fn a_choice_with_another_major_is_kept_and_a_true_repeat_is_folded_and_named() {
        let seven = "Move to RHEL 9. Or buy the RHEL 7 ELS add-on; ELS for RHEL 7.9 runs until 2028-06-30.";
        let six = "Move to RHEL 9. ELS for RHEL 6 ended on 2024-06-30 too, so no add-on can cover it.";
        let found = fold_repeats(vec![
            finding("EOL", "RHEL 7.3 left Maintenance Support on 2024-06-30", seven, Some("parameter v = 7.3")),
            finding("EOL", "RHEL 6.7 left Maintenance Support on 2020-11-30", six, Some("parameter v = 6.7")),
            finding("EOL", "RHEL 7.2 left Maintenance Support on 2024-06-30", seven, None),
            finding("EOL", "RHEL 6.8 left Maintenance Support on 2020-11-30", six, Some("parameter v = 6.8")),
        ]);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].alternative.is_none());
        assert!(found[0].message.ends_with("(the same if deployed with parameter v = 7.3)"), "{}", found[0].message);
        assert_eq!(found[1].alternative.as_deref(), Some("parameter v = 6.7"));
        assert!(found[1].message.contains("(the same if deployed with parameter v = 6.8)"));
        assert!(found[1].evidence.iter().any(|e| e.contains("parameter v = 6.8")));
    }

    #[test]
    fn another_end_date_is_another_finding_and_long_lists_are_cut_in_the_message() {
        let fix = "Move to a minor whose EUS is still running.";
        let mut all = vec![finding("EUS", "RHEL 8.4 EUS ended on 2023-05-31", fix, None)];
        all.push(finding("EUS", "RHEL 8.6 EUS ended on 2024-05-31", fix, Some("parameter v = 8.6")));
        for r in 1..=5 {
            all.push(finding("EUS", "RHEL 8.4 EUS ended on 2023-05-31", fix, Some(&format!("region r{r}"))));
        }
        let found = fold_repeats(all);
        assert_eq!(found.len(), 2);
        assert!(found[0].message.ends_with("region r1; or region r2; or region r3; or 2 more choices)"));
        assert!(found[0].evidence[0].ends_with("region r4; or region r5"), "{:?}", found[0].evidence);
    }

    #[test]
    fn facts_are_dates_and_majors() {
        let got = facts("RHEL 7.2 on image RedHat:RHEL:7.2:latest left support on 2024-06-30 (878 days)");
        assert_eq!(got.into_iter().collect::<Vec<_>>(), ["2024-06-30", "RHEL 7"]);
    }
}
