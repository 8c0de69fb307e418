//! Building a policy crate to wasm as an author would: `cargo build --release --target
//! wasm32-unknown-unknown` in the crate's directory, with the crate's own release profile
//! (`entitle new` writes the one a policy needs). The artifact is found in cargo's own
//! JSON messages, so it is right wherever the target directory is.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::AuthoringError;

/// The target every policy is built for.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Builds the crate in `dir` for [`WASM_TARGET`] (compiler messages go to stderr) and
/// returns the path of its `.wasm`.
pub fn build_crate(dir: &Path) -> Result<PathBuf, AuthoringError> {
    let manifest = std::path::absolute(dir.join("Cargo.toml")).map_err(|e| AuthoringError::io(dir, e))?;
    if !manifest.is_file() {
        return Err(AuthoringError::Invalid(format!("{}: no Cargo.toml, not a policy crate", dir.display())));
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(dir)
        .args(["build", "--release", "--lib", "--target", WASM_TARGET, "--message-format=json-render-diagnostics"])
        .arg("--manifest-path")
        .arg(&manifest)
        // Flags meant for the host (coverage, sanitizers) do not apply to a wasm guest.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| AuthoringError::Build(format!("cannot run cargo: {e}")))?;
    if !output.status.success() {
        // The compiler's messages are on stderr already; a missing target is the usual first failure.
        return Err(AuthoringError::Build(format!(
            "building {} for {WASM_TARGET} failed (see above; if the target is missing: `rustup target add {WASM_TARGET}`)",
            dir.display()
        )));
    }
    let artifacts: Vec<PathBuf> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["manifest_path"].as_str() == Some(&canonical(&manifest)))
        .flat_map(|m| m["filenames"].as_array().cloned().unwrap_or_default())
        .filter_map(|f| f.as_str().filter(|f| f.ends_with(".wasm")).map(PathBuf::from))
        .collect();
    match artifacts.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(AuthoringError::Build(format!(
            "{} built no .wasm: its [lib] needs crate-type = [\"cdylib\", \"rlib\"]",
            dir.display()
        ))),
        _ => Err(AuthoringError::Build(format!("{} built more than one .wasm", dir.display()))),
    }
}

/// The manifest path as cargo prints it (absolute, symlinks resolved).
fn canonical(manifest: &Path) -> String {
    manifest.canonicalize().unwrap_or_else(|_| manifest.to_path_buf()).display().to_string()
}
