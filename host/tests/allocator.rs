//! The binary runs on mimalloc, not glibc malloc (decision 131): glibc grew each worker
//! thread's arena a page at a time with `mprotect`, about two calls per evaluation, each a
//! TLB shootdown for the other worker. mimalloc answers `MIMALLOC_VERBOSE=1` on stderr;
//! glibc ignores it.

use std::process::Command;

#[test]
fn the_binary_allocates_with_mimalloc() {
    let output = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .arg("--version")
        .env("MIMALLOC_VERBOSE", "1")
        .output()
        .expect("the binary runs");
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("mimalloc"), "no mimalloc banner on stderr: {stderr}");
}
