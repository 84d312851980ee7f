//! libFuzzer entry for `differential`; the body (and what it checks) is `ferruler_tests::fuzz_bodies::differential`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ferruler_tests::fuzz_bodies::differential::run(data));
