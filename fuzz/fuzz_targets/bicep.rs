//! libFuzzer target: `entitle::fuzzing::bicep` (see that function for what it reaches).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| entitle::fuzzing::bicep(data));
