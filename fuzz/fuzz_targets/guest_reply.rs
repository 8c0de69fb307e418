//! libFuzzer target: `entitle::fuzzing::guest_reply` (see that function for what it reaches). The
//! built-in policies are compiled once before the first input, so libFuzzer's per-input
//! timeout never counts that.
#![no_main]
libfuzzer_sys::fuzz_target!(init: entitle::fuzzing::warm_up(), |data: &[u8]| entitle::fuzzing::guest_reply(data));
