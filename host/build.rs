//! Builds every built-in policy (`policies/*` crates) to wasm and embeds the result.
//!
//! The nested cargo build gets its own target directory inside `OUT_DIR` (as
//! wasmtime's `crates/test-programs` does), so it never fights the outer build over
//! profiles, flags or locks. The policies use the workspace's `policy` profile.

use std::env;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

const TARGET: &str = "wasm32-unknown-unknown";

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest_dir.parent().unwrap().to_path_buf();
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed={}", root.join("policies").display());
    println!("cargo:rerun-if-changed={}", root.join("sdk").display());
    println!("cargo:rerun-if-changed={}", root.join("Cargo.toml").display());
    println!("cargo:rerun-if-changed={}", root.join("Cargo.lock").display());

    println!("cargo:rustc-env=ENTITLE_WASMTIME_VERSION={}", locked_version(&root, "wasmtime"));
    let policies = policy_crates(&root.join("policies"));
    ensure_wasm_target();
    let target_dir = out_dir.join("policy-target");
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&root)
        .args(["build", "--locked", "--profile", "policy", "--target", TARGET, "--target-dir"])
        .arg(&target_dir)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_MAKEFLAGS");
    for (package, _) in &policies {
        cmd.args(["-p", package]);
    }
    let status = cmd.status().expect("run cargo to build the built-in policies");
    assert!(status.success(), "building the built-in policies for {TARGET} failed (see above)");

    let mut generated = String::from("/// Built-in policies: (file name, wasm bytes), sorted by name.\n");
    generated.push_str("pub static BUILTIN_POLICIES: &[(&str, &[u8])] = &[\n");
    for (package, _) in &policies {
        let file = format!("{}.wasm", package.replace('-', "_"));
        let path = target_dir.join(TARGET).join("policy").join(&file);
        assert!(path.exists(), "expected {}", path.display());
        writeln!(generated, "    ({file:?}, include_bytes!({:?})),", path.display().to_string()).unwrap();
    }
    generated.push_str("];\n");
    // Their sha256, so a run does not hash 3.5 MB of embedded wasm to name them (a test
    // checks each against the bytes).
    generated.push_str("/// sha256 (hex) of each built-in policy's wasm, in `BUILTIN_POLICIES` order.\n");
    generated.push_str("pub(crate) static BUILTIN_SHA256: &[&str] = &[\n");
    for (package, _) in &policies {
        let file = format!("{}.wasm", package.replace('-', "_"));
        let bytes = std::fs::read(target_dir.join(TARGET).join("policy").join(&file)).unwrap();
        let digest: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        writeln!(generated, "    {digest:?},").unwrap();
    }
    generated.push_str("];\n");
    // Each policy's golden cases, for `entitle explain`'s example finding: only listed
    // here (no parsing in the build script), read by the host when asked.
    generated.push_str("/// Built-in policies' golden cases: (case file, expected report JSON), sorted.\n");
    generated.push_str("pub static BUILTIN_CASES: &[(&str, &str)] = &[\n");
    for (_, dir) in &policies {
        let mut cases: Vec<PathBuf> = std::fs::read_dir(dir.join("cases"))
            .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        cases.retain(|p| p.to_string_lossy().ends_with(".expected.json"));
        cases.sort();
        for case in cases {
            let shown = case.strip_prefix(&root).unwrap_or(&case).display().to_string();
            writeln!(generated, "    ({shown:?}, include_str!({:?})),", case.display().to_string()).unwrap();
        }
    }
    generated.push_str("];\n");
    // `entitle --version`: the catalog's and each built-in policy's version too.
    let field = |path: &Path, key: &str| {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let needle = format!("\"{key}\": \"");
        text.find(&needle).and_then(|at| text[at + needle.len()..].split('"').next().map(str::to_owned))
    };
    let mut version = format!("{}\ncatalog {}", env::var("CARGO_PKG_VERSION").unwrap(), {
        field(&root.join("policies/catalog/catalog.json"), "version").unwrap_or_else(|| "unknown".into())
    });
    for (package, dir) in &policies {
        let manifest = dir.join("policy.json");
        let id = field(&manifest, "id").unwrap_or_else(|| package.clone());
        let v = field(&manifest, "version").unwrap_or_else(|| "unknown".into());
        version.push_str(&format!("\npolicy {id} {v}"));
    }
    version.push_str(&format!("\nwasmtime {}", locked_version(&root, "wasmtime")));
    writeln!(generated, "/// `entitle --version`: version, catalog, built-in policies, wasmtime.").unwrap();
    writeln!(generated, "pub const LONG_VERSION: &str = {version:?};").unwrap();
    std::fs::write(out_dir.join("builtin_policies.rs"), generated).unwrap();
}

/// `(package name, crate dir)` of every `policies/*/Cargo.toml`, sorted.
fn policy_crates(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read policies/") {
        let path = entry.unwrap().path();
        let manifest = path.join("Cargo.toml");
        if !manifest.exists() {
            continue;
        }
        let text = std::fs::read_to_string(&manifest).unwrap();
        let name = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("name = ").map(|v| v.trim_matches('"').to_owned()))
            .unwrap_or_else(|| panic!("{}: no package name", manifest.display()));
        found.push((name, path));
    }
    found.sort();
    found
}

/// On a fresh machine rustup may not have the wasm target yet: add it once.
fn ensure_wasm_target() {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot = Command::new(&rustc).args(["--print", "sysroot"]).output().expect("run rustc --print sysroot");
    let sysroot = String::from_utf8_lossy(&sysroot.stdout).trim().to_owned();
    if Path::new(&sysroot).join("lib/rustlib").join(TARGET).exists() {
        return;
    }
    let toolchain = Path::new(&sysroot).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let status = Command::new("rustup").args(["target", "add", TARGET, "--toolchain", &toolchain]).status();
    match status {
        Ok(s) if s.success() => {}
        _ => panic!("the {TARGET} target is missing: run `rustup target add {TARGET}`"),
    }
}

/// The version of `package` recorded in Cargo.lock (the cache key needs wasmtime's).
fn locked_version(root: &Path, package: &str) -> String {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap_or_default();
    let needle = format!("name = \"{package}\"\nversion = \"");
    lock.find(&needle)
        .and_then(|at| lock[at + needle.len()..].split('"').next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}
