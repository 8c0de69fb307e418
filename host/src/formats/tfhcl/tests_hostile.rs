//! Hostile modules written here: module calls that recurse or fan out, cycles of locals, files
//! read by function or linked from outside the input, a secret read by `file()` reaching a
//! printed field, and boot scripts with an unknown part (partial strings).

use std::path::{Path, PathBuf};

use entitle_sdk::model::HOLE;

use super::Extracted;

/// A fresh directory for a case.
fn fresh(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("entitle-tfhostile-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `files` (paths relative to `dir`) and reads `dir/input` as the module input.
fn read(dir: &Path, input: &str, files: &[(&str, &str)]) -> Extracted {
    for (file, text) in files {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let catalog = &crate::catalog::LoadedCatalog::builtin().catalog;
    super::load(&dir.join(input).display().to_string(), &dir.join(input), catalog, &Default::default()).unwrap()
}

fn messages(found: &Extracted) -> Vec<String> {
    found.errors.iter().map(|e| format!("{}:{:?}: {}", e.path.as_deref().unwrap_or("?"), e.line, e.message())).collect()
}

const VM: &str = "resource \"aws_instance\" \"vm\" {\n  ami = \"ami-0123456789abcdef0\"\n}\n";

#[test]
fn a_module_calling_itself_is_a_located_cycle_not_64_to_the_8th_instances() {
    let dir = fresh("self");
    let main = format!("module \"again\" {{\n  source = \"./\"\n  count  = 64\n}}\n{VM}");
    let found = read(&dir, "m", &[("m/main.tf", &main)]);
    let [e] = &found.errors[..] else { panic!("one error: {:?}", messages(&found)) };
    assert_eq!((e.line, e.column), (Some(2), Some(12)), "at the call's source");
    assert!(
        e.message().contains("module call cycle: ") && e.message().contains("→ module.again is"),
        "{}",
        e.message()
    );
    assert_eq!(found.workloads.len(), 1, "the module's own resource is still modelled");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn two_modules_calling_each_other_are_one_cycle_error() {
    let dir = fresh("mutual");
    let a = "module \"b\" {\n  source = \"../b\"\n  count = 64\n}\noutput \"x\" {\n  value = module.b[0].x\n}\n";
    let b = "module \"a\" {\n  source = \"../a\"\n  count = 64\n}\noutput \"x\" {\n  value = module.a[0].x\n}\n";
    let root = "module \"a\" {\n  source = \"./a\"\n}\n";
    let found = read(&dir, "m", &[("m/main.tf", root), ("m/a/main.tf", a), ("m/b/main.tf", b)]);
    let all = messages(&found);
    let [e] = &all[..] else { panic!("one error, whatever the instances: {all:?}") };
    assert!(e.contains("b/main.tf:Some(2)"), "{e}");
    assert!(e.contains("module.a → module.a.module.b → module.a.module.b.module.a is"), "{e}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn module_fan_out_stops_at_the_input_budget_with_a_located_error() {
    let dir = fresh("fan");
    let mut files: Vec<(String, String)> =
        vec![("m/main.tf".into(), "module \"l0\" {\n  source = \"./l0\"\n  count = 64\n}\n".into())];
    for i in 0..10 {
        let next = format!("module \"next\" {{\n  source = \"../l{}\"\n  count  = 64\n}}\n{VM}", i + 1);
        files.push((format!("m/l{i}/main.tf"), next));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let found = read(&dir, "m", &refs);
    let [e] = &found.errors[..] else { panic!("one error: {:?}", messages(&found)) };
    assert!(e.message().contains("more than 256 module instances"), "{}", e.message());
    assert!(e.message().contains("module.l0[0].module.next[0]"), "names the calls that fan out: {}", e.message());
    assert!(e.line.is_some());
    assert!(found.workloads.len() <= 256, "{}", found.workloads.len());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn expressions_and_text_are_bounded_per_input() {
    let dir = fresh("steps");
    let grid = "locals {\n  grid = [for a in range(1000) : [for b in range(1000) : \"${a}-${b}\"]]\n}\n";
    let found = read(&dir, "m", &[("m/main.tf", grid)]);
    let [e] = &found.errors[..] else { panic!("one error: {:?}", messages(&found)) };
    assert!(e.message().contains("more than 1000000 expressions"), "{}", e.message());
    let mut doubling =
        String::from("locals {\n  s0 = \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"\n");
    for i in 1..12 {
        let p = format!("${{local.s{}}}", i - 1);
        doubling.push_str(&format!("  s{i} = \"{}\"\n", p.repeat(8)));
    }
    doubling.push_str("}\n");
    let found = read(&dir, "t", &[("t/main.tf", &doubling)]);
    let [e] = &found.errors[..] else { panic!("one error: {:?}", messages(&found)) };
    assert!(e.message().contains("bytes of text"), "{}", e.message());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_cycle_of_locals_is_an_error_at_the_local() {
    let dir = fresh("locals");
    let text = format!("locals {{\n  c = local.d\n  d = local.c\n  unused = 1\n}}\n{VM}");
    let found = read(&dir, "m", &[("m/main.tf", &text)]);
    let [e] = &found.errors[..] else { panic!("one error: {:?}", messages(&found)) };
    assert_eq!((e.line, e.column), (Some(2), Some(7)));
    assert!(e.message().contains("local.c → local.d → local.c"), "{}", e.message());
    assert_eq!(found.workloads.len(), 1);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn files_read_by_function_stay_inside_the_input_and_are_regular() {
    let dir = fresh("reads");
    std::fs::create_dir_all(dir.join("m/sub")).unwrap();
    std::fs::write(dir.join("outside.sh"), "subscription-manager attach --auto\n").unwrap();
    std::os::unix::fs::symlink(dir.join("outside.sh"), dir.join("m/link.sh")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.join("m/zero.sh")).unwrap();
    let fifo = std::process::Command::new("mkfifo").arg(dir.join("m/fifo.sh")).status().unwrap();
    assert!(fifo.success());
    let mut main = String::new();
    for (i, f) in ["link.sh", "zero.sh", "fifo.sh", "sub", "../outside.sh", "/dev/stdin"].iter().enumerate() {
        main.push_str(&format!("resource \"aws_instance\" \"v{i}\" {{\n  ami = \"ami-0123456789abcdef0\"\n  user_data = file(\"{f}\")\n}}\n"));
    }
    let found = read(&dir, "m", &[("m/main.tf", &main)]);
    assert_eq!(found.workloads.len(), 6);
    for w in &found.workloads {
        let boot = &w.boot[0];
        assert_eq!(boot.text, None, "{}: nothing read", w.id);
        let why = boot.unknown.as_deref().unwrap_or_default();
        assert!(
            why.contains("not read: outside the input's directory") || why.contains("not read: not a regular file"),
            "{}: {why}",
            w.id
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn linked_sources_from_outside_the_module_are_not_read() {
    let dir = fresh("links");
    std::fs::write(dir.join("evil.tf"), VM.replace("\"vm\"", "\"evil\"")).unwrap();
    std::fs::create_dir_all(dir.join("m")).unwrap();
    std::os::unix::fs::symlink(dir.join("evil.tf"), dir.join("m/evil.tf")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.join("m/zero.tfvars")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.join("m/terraform.tfvars")).unwrap();
    let found = read(&dir, "m", &[("m/main.tf", VM)]);
    assert!(found.errors.is_empty(), "{:?}", messages(&found));
    let ids: Vec<&str> = found.workloads.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(ids, ["aws_instance.vm"]);
    assert!(
        found.notes.iter().any(|n| n.ends_with("m/evil.tf: not read: outside the module's directory")),
        "{:?}",
        found.notes
    );
    assert!(
        found.notes.iter().any(|n| n.ends_with("m/terraform.tfvars: not read: outside the module's directory")),
        "{:?}",
        found.notes
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn text_read_by_file_reaches_boot_scripts_but_never_a_printed_field() {
    let dir = fresh("secret");
    let main = "resource \"azurerm_linux_virtual_machine\" \"vm\" {\n  name = \"vm-${file(\".git-credentials\")}\"\n  license_type = lower(file(\".git-credentials\"))\n  custom_data = base64encode(file(\".git-credentials\"))\n  source_image_reference {\n    publisher = \"RedHat\"\n    offer = \"RHEL\"\n    sku = trimspace(templatefile(\"sku.tpl\", {}))\n    version = \"latest\"\n  }\n}\n";
    let found = read(
        &dir,
        "m",
        &[("m/main.tf", main), ("m/.git-credentials", "https://u:hunter2@example.com\n"), ("m/sku.tpl", "9_4\n")],
    );
    let [w] = &found.workloads[..] else { panic!("{:?}", found.workloads) };
    assert_eq!(
        w.boot[0].text.as_deref(),
        Some("https://u:hunter2@example.com\n"),
        "boot text is read (the scanner redacts)"
    );
    let mut shown = w.clone();
    shown.boot.clear();
    let printed = serde_json::to_string(&shown).unwrap();
    assert!(!printed.contains("hunter2"), "{printed}");
    assert!(w.unknown["billing.license_type"].contains("file(\".git-credentials\")"), "{:?}", w.unknown);
    assert!(w.unknown.get("image.sku").is_some_and(|u| u.contains("templatefile(\"sku.tpl\")")), "{:?}", w.unknown);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn boot_scripts_keep_their_known_text_around_unknown_parts() {
    let dir = fresh("partial");
    let main = "variable \"org\" {\n  type = string\n}\n\
        resource \"azurerm_linux_virtual_machine\" \"heredoc\" {\n  custom_data = base64encode(<<-EOT\n    #!/bin/bash\n    subscription-manager register --org ${var.org} --activationkey k\n    subscription-manager attach --auto\n  EOT\n  )\n}\n\
        resource \"azurerm_linux_virtual_machine\" \"join\" {\n  custom_data = join(\" \", [\"subscription-manager\", \"attach\", \"--pool\", var.org])\n}\n\
        resource \"azurerm_linux_virtual_machine\" \"format\" {\n  custom_data = format(\"register --org %s && attach --auto\", var.org)\n}\n\
        resource \"azurerm_linux_virtual_machine\" \"template\" {\n  custom_data = base64encode(templatefile(\"boot.tpl\", { org = var.org }))\n}\n\
        resource \"azurerm_linux_virtual_machine\" \"image\" {\n  source_image_reference {\n    publisher = \"RedHat\"\n    offer = \"RHEL\"\n    sku = \"${var.org}-gen2\"\n    version = \"latest\"\n  }\n}\n";
    let found = read(
        &dir,
        "m",
        &[
            ("m/main.tf", main),
            (
                "m/boot.tpl",
                "#!/bin/sh\nsubscription-manager register --org ${org}\nsubscription-manager attach --auto\n",
            ),
        ],
    );
    let boot = |id: &str| found.workloads.iter().find(|w| w.id.ends_with(id)).map(|w| w.boot[0].clone()).unwrap();
    let h = HOLE;
    let expect = [
        (
            "heredoc",
            format!(
                "#!/bin/bash\nsubscription-manager register --org {h} --activationkey k\nsubscription-manager attach --auto\n"
            ),
        ),
        ("join", format!("subscription-manager attach --pool {h}")),
        ("format", format!("register --org {h} && attach --auto")),
        (
            "template",
            format!("#!/bin/sh\nsubscription-manager register --org {h}\nsubscription-manager attach --auto\n"),
        ),
    ];
    for (id, text) in expect {
        let b = boot(id);
        assert_eq!(b.text.as_deref(), Some(text.as_str()), "{id}");
        let why = b.unknown.unwrap_or_default();
        assert!(why.starts_with("partly known: var.org has no default"), "{id}: {why}");
    }
    assert_eq!(boot("heredoc").source.line, Some(5), "the boot text is where the template is written");
    let image = found.workloads.iter().find(|w| w.id.ends_with("image")).unwrap();
    assert_eq!(image.image.sku, None, "a partly known string is no image field");
    assert!(
        image.unknown.get("image.sku").is_some_and(|u| u.contains("var.org has no default")),
        "{:?}",
        image.unknown
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_key_read_from_a_file_is_not_shown_in_a_reason() {
    use super::value::{Kind, Val};
    let key = Val { read: Some("file(\"k\")".into()), ..Val::str("hunter2", None) };
    let map = Val::new(Kind::map(Default::default()), None);
    let looked = super::funcs::apply("lookup", vec![map.clone(), key.clone()], None);
    let indexed = super::ops::index(&map, &key);
    for v in [looked, indexed] {
        let why = &v.unknown_reason().unwrap().reason;
        assert!(v.is_error() && !why.contains("hunter2"), "{why}");
    }
}
