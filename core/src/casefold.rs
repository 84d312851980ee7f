//! Case folding for the `equals-ignore-case` family.
//!
//! Two strings are equal ignoring case when their folded forms are equal. The fold maps each
//! character to the lower case of its upper case, which is Unicode's full case folding for the
//! letters EventBridge users meet (Latin with accents, Greek including final sigma, Cyrillic, and
//! `ß` ~ `SS`), using only the tables in Rust's standard library. Accents are never removed and no
//! normalisation is applied: `é` and `e` + U+0301 stay different, as in EventBridge.

/// Appends the folded form of `s` to `out`. ASCII takes a fast path.
pub(crate) fn fold_into(s: &str, out: &mut Vec<u8>) {
    if s.is_ascii() {
        out.extend(s.bytes().map(|b| b.to_ascii_lowercase()));
        return;
    }
    let mut buf = [0u8; 4];
    for c in s.chars() {
        if c.is_ascii() {
            out.push((c as u8).to_ascii_lowercase());
            continue;
        }
        for u in c.to_uppercase() {
            for l in u.to_lowercase() {
                out.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
}

/// The folded form of `s`.
pub(crate) fn fold(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    fold_into(s, &mut out);
    String::from_utf8(out).expect("folding maps valid UTF-8 to valid UTF-8")
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds() {
        assert_eq!(fold("ÉCOLE"), fold("école"));
        assert_eq!(fold("МОСКВА"), fold("москва"));
        assert_eq!(fold("ΑΘΗΝΑΣ"), fold("αθηνας"));
        assert_eq!(fold("STRASSE"), fold("straße"));
        assert_ne!(fold("ECOLE"), fold("école"));
        assert_eq!(fold("SEÑOR"), "señor");
    }
}
