//! libFuzzer target: `entitle::fuzzing::gcpdm` (see that function for what it reaches).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| entitle::fuzzing::gcpdm(data));
