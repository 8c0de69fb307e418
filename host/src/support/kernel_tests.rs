use super::*;
use entitle_sdk::model::Source;

fn kinds(text: &str) -> Vec<(String, String)> {
    let boot = BootConfig {
        kind: "user_data".into(),
        text: Some(text.into()),
        source: Source::default(),
        ..Default::default()
    };
    scan_text(text, &boot).into_iter().map(|k| (k.kind, k.text)).collect()
}

fn just_kinds(text: &str) -> Vec<String> {
    kinds(text).into_iter().map(|(k, _)| k).collect()
}

#[test]
fn elrepo_kernel_and_dkms_are_found() {
    let script = "#!/bin/bash\nrpm --import https://www.elrepo.org/RPM-GPG-KEY-elrepo.org\n\
        dnf install -y https://www.elrepo.org/elrepo-release-9.el9.elrepo.noarch.rpm\n\
        dnf --enablerepo=elrepo-kernel install -y kernel-ml\n\
        grubby --set-default /boot/vmlinuz-6.6.1-1.el9.elrepo.x86_64\n\
        dkms autoinstall\n";
    let found = just_kinds(script);
    assert_eq!(
        found,
        ["third-party-kernel", "third-party-kernel", "third-party-kernel", "dkms"],
        "the key import alone is not one"
    );
}

#[test]
fn third_party_live_patching_and_modules_are_found() {
    assert_eq!(just_kinds("curl -s -L https://kernelcare.com/installer | bash"), ["live-patch"]);
    assert_eq!(just_kinds("sudo /usr/bin/kcarectl --register KEY"), ["live-patch"]);
    assert_eq!(
        just_kinds("snap install canonical-livepatch && canonical-livepatch enable TOKEN"),
        ["live-patch", "live-patch"]
    );
    assert_eq!(just_kinds("uptrack-upgrade -y"), ["live-patch"]);
    assert_eq!(just_kinds("insmod /opt/drv/foo.ko"), ["out-of-tree-module"]);
    assert_eq!(just_kinds("cd drv && make && make modules_install"), ["out-of-tree-module"]);
    assert_eq!(just_kinds("yum install -y kmod-nvidia --enablerepo=elrepo"), ["out-of-tree-module"]);
    assert_eq!(just_kinds("rpm -ivh https://example.com/kernel-6.1.0-custom.x86_64.rpm"), ["kernel-rpm"]);
    assert_eq!(just_kinds("yum localinstall -y ./kmod-acme-1.0.rpm"), ["out-of-tree-module"]);
}

#[test]
fn red_hat_kernel_tools_comments_and_echo_are_clean() {
    for clean in [
        "dnf install -y kpatch kpatch-dnf && kpatch list",
        "# dnf install -y kernel-ml (not on this host)",
        "yum update -y # kernel-ml is not used here",
        "echo install kernel-ml later",
        "yum install -y kmod-redhat-ice",
        "rpm -ivh https://cdn.redhat.com/content/kernel-5.14.0-1.el9.x86_64.rpm",
        "rpm -qi kernel-ml",
        "dnf install -y kernel kernel-devel",
        "grubby --set-default /boot/vmlinuz-5.14.0-427.el9.x86_64",
    ] {
        assert!(kinds(clean).is_empty(), "{clean}: {:?}", kinds(clean));
    }
}

#[test]
fn cloud_config_packages_and_runcmd_are_read() {
    let config =
        "#cloud-config\npackages:\n  - kernel-ml\n  - httpd\nruncmd:\n  - [dkms, autoinstall]\n  - echo kernel-lt\n";
    assert_eq!(just_kinds(config), ["third-party-kernel", "dkms"]);
    let listed_elsewhere = "#cloud-config\nwrite_files:\n  - kernel-ml\n";
    assert!(kinds(listed_elsewhere).is_empty());
}

#[test]
fn the_command_is_quoted_with_secrets_redacted() {
    let found = kinds("kcarectl --register --password hunter2 KEY");
    assert_eq!(found[0].1, "kcarectl --register --password *** KEY");
}
