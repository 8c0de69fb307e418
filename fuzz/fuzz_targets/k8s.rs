//! libFuzzer target: `entitle::fuzzing::k8s` (see that function for what it reaches).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| entitle::fuzzing::k8s(data));
