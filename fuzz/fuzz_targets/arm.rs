//! libFuzzer target: `entitle::fuzzing::arm` (see that function for what it reaches).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| entitle::fuzzing::arm(data));
