//! libFuzzer entry for `machine_ops`; the body (and what it checks) is `ferruler_tests::fuzz_bodies::machine_ops`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ferruler_tests::fuzz_bodies::machine_ops::run(data));
