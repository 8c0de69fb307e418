//! Numeric options are bounded: a value that would overflow or make no sense is
//! refused with a message naming the option and the allowed range (exit 2), never
//! wrapped into some other limit.

use std::process::Command;

/// `entitle check <args> nothing.json` (the input is never reached).
fn check(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .arg("check")
        .args(args)
        .arg("nothing.json")
        .env("ENTITLE_CACHE_DIR", std::env::temp_dir().join(format!("entitle-options-{}", std::process::id())))
        .output()
        .expect("run entitle");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (output.status.code().expect("exits normally"), text(&output.stdout), text(&output.stderr))
}

#[test]
fn overflowing_and_out_of_range_numbers_are_refused() {
    let cases: [(&[&str], &str); 10] = [
        (&["--policy-timeout", "18446744073709552s"], "longer than the limit of 10m"),
        (&["--policy-timeout", "18446744073709551616ms"], "longer than the limit of 10m"),
        (&["--policy-timeout", "601s"], "longer than the limit of 10m"),
        (&["--policy-timeout", "0s"], "more than zero"),
        (&["--policy-memory", "17592186044416"], "not in 1..=4096"),
        (&["--policy-memory", "0"], "not in 1..=4096"),
        (&["--policy-reply-limit", "4096"], "not in 1..=1024"),
        (&["--policy-max-findings", "0"], "not in 1..=1000000"),
        (&["--jobs", "100000"], "not in 1..=256"),
        (&["--warn-within", "4294967295"], "not in 0..=36525"),
    ];
    for (args, words) in cases {
        let (code, stdout, stderr) = check(args);
        assert_eq!(code, 2, "{args:?}: stderr:\n{stderr}");
        assert!(stderr.contains(args[0]) && stderr.contains(words), "{args:?}: {words:?} missing from\n{stderr}");
        assert!(stdout.is_empty(), "{args:?}: no report: {stdout}");
    }
}
