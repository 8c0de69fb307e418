//! Unit tests of the boot-script registration scanner.

use entitle_sdk::Workload;
use entitle_sdk::model::{BootConfig, Source};

use super::scan;

fn actions(text: &str) -> Vec<String> {
    let mut w = Workload {
        boot: vec![BootConfig {
            kind: "user_data".into(),
            text: Some(text.into()),
            source: Source { path: "t.json".into(), pointer: "/x".into(), line: Some(3), column: Some(7) },
            ..BootConfig::default()
        }],
        ..Workload::default()
    };
    scan(std::slice::from_mut(&mut w), &|_, _| None);
    assert!(w.registration.iter().all(|r| r.source.line == Some(3)), "located at the boot entry");
    w.registration.iter().map(|r| r.action.clone()).collect()
}

#[test]
fn plain_register_is_not_attach() {
    assert_eq!(actions("subscription-manager register --username u --password secret"), ["register"]);
}

#[test]
fn register_with_auto_attach() {
    assert_eq!(
        actions("sudo subscription-manager register --org=1 --activationkey=k --auto-attach"),
        ["activation_key", "auto_attach", "register"]
    );
}

#[test]
fn attach_pool_and_auto() {
    assert_eq!(actions("subscription-manager attach --pool=8a85f98"), ["attach", "pool"]);
    assert_eq!(actions("/usr/sbin/subscription-manager attach --auto"), ["attach", "auto_attach"]);
}

#[test]
fn commands_split_on_separators_and_comments_skipped() {
    let script = "#!/bin/bash\n# subscription-manager attach --auto\nyum -y update && subscription-manager register --username a --password b; echo done";
    assert_eq!(actions(script), ["register"]);
}

#[test]
fn rhc_and_satellite() {
    assert_eq!(actions("rhc connect --activation-key=k --organization=o"), ["activation_key", "rhc_connect"]);
    assert_eq!(actions("rpm -Uvh http://sat.example.com/pub/katello-ca-consumer-latest.noarch.rpm"), ["satellite"]);
    assert_eq!(actions("subscription-manager register --serverurl=https://sat --org o"), ["register", "satellite"]);
}

#[test]
fn a_pool_id_handed_to_the_bootstrap_script() {
    // The OpenShift 3 Quick Start's user data.
    assert_eq!(actions("export RH_POOLID=${RedhatSubscriptionPoolID}\n./bootstrap.sh"), ["pool"]);
    // The OpenShift ARM template's prep deployment parameters.
    assert_eq!(actions("nodePrep.sh rhsmPoolId=[parameters('rhsmPoolId')]"), ["pool"]);
    // An empty value hands nothing over; an unrelated pool is not Red Hat's.
    assert!(actions("export RH_POOLID=\nexport CLUSTER_NAME=").is_empty());
    assert!(actions("export THREAD_POOLID=4").is_empty());
}

#[test]
fn no_evidence_in_unrelated_scripts() {
    assert!(actions("yum install -y httpd\nsystemctl enable --now httpd").is_empty());
    assert!(actions("echo subscription-manager is not run here").is_empty());
}

#[test]
fn secrets_are_redacted() {
    let mut w = Workload {
        boot: vec![BootConfig {
            kind: "custom_data".into(),
            text: Some("subscription-manager register --username me --password hunter2 --activationkey=abc".into()),
            ..BootConfig::default()
        }],
        ..Workload::default()
    };
    scan(std::slice::from_mut(&mut w), &|_, _| None);
    let text = &w.registration[0].text;
    assert!(!text.contains("hunter2") && !text.contains("abc"), "{text}");
    assert!(text.contains("--password ***") && text.contains("--activationkey=***"), "{text}");
}

#[test]
fn unknown_boot_text_gives_nothing() {
    let mut w = Workload {
        boot: vec![BootConfig { kind: "extension".into(), unknown: Some("why".into()), ..BootConfig::default() }],
        ..Workload::default()
    };
    scan(std::slice::from_mut(&mut w), &|_, _| None);
    assert!(w.registration.is_empty());
}

/// The workload after scanning one user-data entry of `text`, whose unknown parts are
/// explained by `why`.
fn scanned(text: &str, why: &str) -> Workload {
    let mut w = Workload {
        boot: vec![BootConfig {
            kind: "custom_data".into(),
            text: Some(text.into()),
            unknown: Some(why.into()),
            ..BootConfig::default()
        }],
        ..Workload::default()
    };
    scan(std::slice::from_mut(&mut w), &|_, _| None);
    w
}

fn found(w: &Workload) -> Vec<&str> {
    w.registration.iter().map(|r| r.action.as_str()).collect()
}

#[test]
fn known_words_around_holes_are_read() {
    let script = "#!/bin/bash\nsubscription-manager register --org \u{FFFC} --activationkey \u{FFFC}\nsubscription-manager attach --auto\n";
    let w = scanned(script, "partly known: parameter orgId has no value");
    assert_eq!(found(&w), ["activation_key", "register", "attach", "auto_attach"]);
    // Holes are shown readably, never as U+FFFC.
    assert_eq!(w.registration[0].text, "subscription-manager register --org <unknown> --activationkey <unknown>");
    assert!(!w.unknown.contains_key("registration"));
}

#[test]
fn a_hole_in_the_command_words_is_not_guessed() {
    for script in ["subscription-manager \u{FFFC}", "\u{FFFC} attach --auto", "\u{FFFC}subscription-manager register"] {
        let w = scanned(script, "partly known: parameter cmd has no value");
        assert!(w.registration.is_empty(), "{script}: {:?}", w.registration);
        assert_eq!(
            w.unknown.get("registration").map(String::as_str),
            Some("the custom_data boot entry might register it: partly known: parameter cmd has no value"),
            "{script}"
        );
    }
}

#[test]
fn holes_without_registration_leave_it_unknown() {
    let w = scanned("yum -y install \u{FFFC}\n", "partly known: parameter packages has no value");
    assert!(w.registration.is_empty());
    assert!(w.unknown.contains_key("registration"));
    // Fully known text with no registration is known not to register.
    let w = scanned("yum -y install httpd\n", "");
    assert!(!w.unknown.contains_key("registration"));
}

#[test]
fn a_partly_known_secret_stays_redacted() {
    let w = scanned("subscription-manager register --password=ab\u{FFFC} --activationkey k\u{FFFC}", "partly known");
    assert_eq!(w.registration[0].text, "subscription-manager register --password=*** --activationkey ***");
}
