//! How pattern text (and one-shot events) cross from JS into the engine through `#[napi]`; the
//! per-event path does the same by hand in `hot.rs`.
//!
//! A JS string has to be transcoded to UTF-8, so napi copies it into a `String`. A `Uint8Array`
//! (a Node `Buffer` is one) already holds bytes: it is borrowed for the duration of the call, with
//! no copy, which is why byte input is the fast path for large events.

use napi::bindgen_prelude::Either;

/// The bytes of pattern or event text given as a JS string or a `Uint8Array`. (The argument types
/// are spelled out in each signature, not aliased, so that the generated `.d.ts` names them.) Bytes
/// are not checked to be UTF-8 here: the engine does that and reports where they are not.
pub fn bytes_of<'a>(text: &'a Either<String, &[u8]>) -> &'a [u8] {
    match text {
        Either::A(string) => string.as_bytes(),
        Either::B(bytes) => bytes,
    }
}
