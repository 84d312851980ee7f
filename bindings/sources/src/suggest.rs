//! "Did you mean ...?": the known name closest to a misspelt one.
//!
//! A misspelt key (`"expected"` for `"expect"`, `EventPatern`) or rule name must never be ignored
//! silently, and the error helps most when it names what was meant. Closeness is the edit
//! (Levenshtein) distance ignoring case; a candidate is suggested only when it is close enough to
//! be a slip of the keyboard rather than another word: at most a third of the name's length
//! (rounded up) apart, and never more than 3 edits.

/// The known name closest to `word`, if one is close enough.
pub fn closest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = word.chars().count().div_ceil(3).clamp(1, 3);
    known
        .into_iter()
        .map(|candidate| (distance(word, candidate), candidate))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, candidate)| candidate)
}

/// `"; did you mean X?"` for the closest known name, or nothing.
pub fn did_you_mean<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    closest(word, known).map_or_else(String::new, |k| format!("; did you mean {k:?}?"))
}

/// The Levenshtein distance between `a` and `b`, ignoring case.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slips_are_matched_and_other_words_are_not() {
        let keys = ["name", "expect", "event", "event_file", "message"];
        assert_eq!(closest("expected", keys), Some("expect"));
        assert_eq!(closest("Expect", keys), Some("expect"));
        assert_eq!(closest("evnet", keys), Some("event"));
        assert_eq!(closest("eventfile", keys), Some("event_file"));
        assert_eq!(closest("comment", keys), None);
        assert_eq!(closest("x", keys), None);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
