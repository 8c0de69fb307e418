//! libFuzzer target: `entitle::fuzzing::waivers` (see that function for what it reaches).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| entitle::fuzzing::waivers(data));
