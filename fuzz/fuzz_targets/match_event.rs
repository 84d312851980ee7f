//! libFuzzer entry for `match_event`; the body (and what it checks) is `ferruler_tests::fuzz_bodies::match_event`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ferruler_tests::fuzz_bodies::match_event::run(data));
