//! libFuzzer entry for `parse_pattern`; the body (and what it checks) is `ferruler_tests::fuzz_bodies::parse_pattern`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ferruler_tests::fuzz_bodies::parse_pattern::run(data));
