//! Behaviour the conformance corpus leaves open, pinned down: duplicate and dotted keys in events,
//! event errors, and what deleting gives back.

use ferruler::{Machine, Stats};

fn names(m: &Machine<&'static str>, event: &str) -> Vec<&'static str> {
    let mut n = m.matches_for_event(event).unwrap();
    n.sort_unstable();
    n
}

#[test]
fn every_occurrence_of_a_repeated_event_key_counts() {
    let mut m = Machine::new();
    m.add_rule("x", r#"{"a": ["x"]}"#).unwrap();
    m.add_rule("y", r#"{"a": ["y"]}"#).unwrap();
    m.add_rule("gone", r#"{"a": [{"exists": false}]}"#).unwrap();
    assert_eq!(names(&m, r#"{"a": "x", "a": "y"}"#), vec!["x", "y"]);
}

#[test]
fn repeated_key_arrays_are_different_arrays() {
    // Values from two different arrays may combine; values from two elements of one may not.
    let mut m = Machine::new();
    m.add_rule("both", r#"{"items": {"sku": ["A"], "qty": [5]}}"#)
        .unwrap();
    assert_eq!(
        names(&m, r#"{"items": [{"sku": "A"}], "items": [{"qty": 5}]}"#),
        vec!["both"]
    );
    assert!(names(&m, r#"{"items": [{"sku": "A"}, {"qty": 5}]}"#).is_empty());
}

#[test]
fn dotted_key_aliases_are_decided_exactly() {
    let mut m = Machine::new();
    m.add_rule(
        "r",
        r#"{"b": [{"exists": false}], "b.c": [{"exists": true}]}"#,
    )
    .unwrap();
    // "b" has a value (in an array) compatible with the chosen b.c value, so b is not absent.
    assert!(names(&m, r#"{"b": [""], "b.c": ""}"#).is_empty());
    assert_eq!(names(&m, r#"{"b.c": ""}"#), vec!["r"]);
    let mut m = Machine::new();
    m.add_rule("pair", r#"{"a": {"b": ["1"], "c": ["2"]}}"#)
        .unwrap();
    // a.b comes from inside the array, a.c through the dotted key: different routes, compatible.
    assert_eq!(
        names(&m, r#"{"a": [{"b": "1"}], "a.c": "2"}"#),
        vec!["pair"]
    );
    assert!(names(&m, r#"{"a": [{"b": "1"}, {"c": "2"}]}"#).is_empty());
}

#[test]
fn malformed_events_are_errors_with_offsets() {
    let mut m = Machine::new();
    m.add_rule("r", r#"{"a": ["x"]}"#).unwrap();
    let err = |e: &str| m.matches_for_event(e).unwrap_err();
    assert_eq!(err(r#"{"a": "x",}"#).offset(), 10);
    // Compact JSON takes the scanner's fast paths between members; errors are the same there.
    for (event, offset, message) in [
        (r#"{"a":"x",}"#, 9, "field name"),
        (r#"{"a":"x",  }"#, 11, "field name"),
        (r#"{"a":"x","b":1,}"#, 15, "field name"),
        (r#"{"a":"x""b":1}"#, 8, "',' or '}'"),
        (r#"{"a":"x",1}"#, 9, "field name"),
        (r#"{"a":"x","#, 9, "field name"),
        (r#"{"a":"x""#, 8, "',' or '}'"),
    ] {
        let e = err(event);
        assert_eq!(e.offset(), offset, "{event}: {e}");
        assert!(e.message().contains(message), "{event}: {e}");
    }
    for event in [
        r#"{"b":1 , "a":"x"}"#,
        "{\"b\":1,\n\"a\":\"x\"}",
        r#"{"b":1,"a":"x" }"#,
    ] {
        assert_eq!(m.matches_for_event(event).unwrap(), vec!["r"], "{event}");
    }
    assert!(err(r#"["a"]"#).message().contains("JSON object"));
    assert!(err(r#"{"a": "x"} {}"#).message().contains("after the end"));
    assert!(err(r#"{"a": "\ud800"}"#).message().contains("surrogate"));
    assert!(err("{\"a\": \"\u{1}\"}")
        .message()
        .contains("Control character"));
    assert!(err(r#"{"b": [1, {]}"#).message().contains("unexpected"));
    assert!(err(r#"{"a": tru}"#).message().contains("JSON value"));
    assert!(m
        .matches_for_event(b"{\"a\": \"\xff\"}")
        .unwrap_err()
        .message()
        .contains("UTF-8"));
    assert_eq!(
        m.matches_for_event("\u{feff}{\"a\": \"x\"}").unwrap(),
        vec!["r"]
    );
}

#[test]
fn deep_events_are_refused_not_overflowed() {
    let mut m = Machine::new();
    m.add_rule("r", r#"{"a": ["x"]}"#).unwrap();
    let deep = format!("{{\"a\": {}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(m
        .matches_for_event(&deep)
        .unwrap_err()
        .message()
        .contains("nested"));
    let skipped = format!("{{\"z\": {}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(m
        .matches_for_event(&skipped)
        .unwrap_err()
        .message()
        .contains("nested"));
}

#[test]
fn deleting_everything_empties_the_machine() {
    let mut m = Machine::new();
    for i in 0..1000 {
        m.add_rule(
            i,
            format!(
                r#"{{"a": {{"b{}": [{i}, {{"prefix": "p{i}"}}]}}, "c": [{{"exists": false}}]}}"#,
                i % 7
            ),
        )
        .unwrap();
    }
    assert_eq!(m.stats().names, 1000);
    for i in 0..1000 {
        assert!(m.delete_rule(&i, format!(r#"{{"c": [{{"exists": false}}], "a": {{"b{}": [{i}, {{"prefix": "p{i}"}}]}}}}"#, i % 7)).unwrap());
    }
    assert_eq!(m.stats(), Stats::default());
    assert!(m
        .matches_for_event(r#"{"a": {"b1": 1}}"#)
        .unwrap()
        .is_empty());
}

#[test]
fn same_pattern_twice_is_one_rule() {
    let mut m = Machine::new();
    m.add_rule("r", r#"{"a": ["x"]}"#).unwrap();
    m.add_rule("r", r#"{ "a" : [ "x" ] }"#).unwrap();
    assert_eq!(m.stats().patterns, 1);
    assert!(m.delete_rule(&"r", r#"{"a":["x"]}"#).unwrap());
    assert!(m.is_empty());
}

#[test]
fn sub_rules_with_more_than_64_conditions() {
    let fields: Vec<String> = (0..70).map(|i| format!("\"f{i}\": [{i}]")).collect();
    let absent: Vec<String> = (0..70)
        .map(|i| format!("\"g{i}\": [{{\"exists\": false}}]"))
        .collect();
    let mut m = Machine::new();
    m.add_rule("wide", format!("{{{}}}", fields.join(", ")))
        .unwrap();
    m.add_rule("absent", format!("{{{}}}", absent.join(", ")))
        .unwrap();
    let all: Vec<String> = (0..70).map(|i| format!("\"f{i}\": {i}")).collect();
    assert_eq!(
        names(&m, &format!("{{{}}}", all.join(", "))),
        vec!["absent", "wide"]
    );
    let missing_one = all[..69].join(", ");
    assert_eq!(names(&m, &format!("{{{missing_one}}}")), vec!["absent"]);
    assert_eq!(
        names(&m, &format!("{{{}, \"g65\": 1}}", all.join(", "))),
        vec!["wide"]
    );
}

#[test]
fn wildcard_complexity_is_checked_per_rule_not_per_machine() {
    let mut m: Machine<usize> = Machine::new();
    // Many rules with middle-star wildcards on one field: each is simple (complexity 5), and all
    // of them load, however many there are: EventBridge's measure is per rule.
    for i in 0..400 {
        m.add_rule(i, format!(r#"{{"f": [{{"wildcard": "*a{i}*b*c{i}*"}}]}}"#))
            .unwrap();
    }
    assert_eq!(
        m.matches_for_event(r#"{"f": "xa7yybzzc7"}"#).unwrap(),
        vec![7]
    );
    assert_eq!(m.complexity(), 5);
    // One rule whose wildcards on one field are too complex is refused, with EventBridge's
    // message, and leaves nothing behind.
    let many: Vec<String> = (0..3)
        .map(|i| format!(r#"{{"wildcard": "*a{i}*b*c{i}*"}}"#))
        .collect();
    let e = m
        .add_rule(1000, format!(r#"{{"f": [{}]}}"#, many.join(", ")))
        .unwrap_err();
    assert_eq!(
        e.message(),
        "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character"
    );
    assert_eq!(m.stats().names, 400);
    assert_eq!(
        ferruler::pattern_complexity(format!(r#"{{"f": [{}]}}"#, many.join(", "))),
        Ok(15)
    );
    assert!(ferruler::check_pattern(format!(r#"{{"f": [{}]}}"#, many.join(", "))).is_err());
    // A raised limit admits it; anything-but wildcards count too.
    let mut m: Machine<usize> = Machine::with_limits(ferruler::Limits {
        max_complexity: 15,
        ..Default::default()
    });
    m.add_rule(0, format!(r#"{{"f": [{}]}}"#, many.join(", ")))
        .unwrap();
    assert_eq!(m.complexity(), 15);
    assert_eq!(
        ferruler::pattern_complexity(
            r#"{"f": [{"anything-but": {"wildcard": ["*/*/*/*/*/*.json"]}}]}"#
        ),
        Ok(11)
    );
}

#[test]
fn value_lists_are_bounded() {
    let limits = ferruler::Limits {
        max_values_per_field: 3,
        ..Default::default()
    };
    let m: Machine<usize> = Machine::with_limits(limits);
    assert!(m.check_pattern(r#"{"a": [1, 2, 3]}"#).is_ok());
    let e = m.check_pattern(r#"{"a": [1, 2, 3, 4]}"#).unwrap_err();
    assert!(e.message().contains("Limits::max_values_per_field"), "{e}");
    assert!(m
        .check_pattern(r#"{"a": [{"anything-but": ["w", "x", "y", "z"]}]}"#)
        .is_err());
    assert!(m
        .check_pattern(r#"{"a": [{"anything-but": {"prefix": ["w", "x", "y", "z"]}}]}"#)
        .is_err());
}

#[test]
fn deep_patterns_and_events_within_raised_limits_do_not_overflow() {
    // Run on a small stack, as a worker thread of an embedding runtime might.
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let depth = 5_000;
            let limits = ferruler::Limits {
                max_pattern_bytes: 1 << 20,
                max_pattern_depth: depth + 10,
                max_event_depth: depth + 10,
                ..Default::default()
            };
            let pattern = format!("{}[\"x\"]{}", "{\"a\": ".repeat(depth), "}".repeat(depth));
            let event = format!("{}\"x\"{}", "{\"a\": ".repeat(depth), "}".repeat(depth));
            let mut m = Machine::with_limits(limits);
            m.add_rule("deep", &pattern).unwrap();
            assert_eq!(m.matches_for_event(&event).unwrap(), vec!["deep"]);
            let arrays = format!(
                "{}{}{}",
                "{\"a\": ".repeat(depth - 1),
                "[".repeat(5),
                "]".repeat(5)
            );
            assert!(m
                .matches_for_event(format!("{arrays}{}", "}".repeat(depth - 1)))
                .unwrap()
                .is_empty());
            assert!(
                ferruler::explain::explain_with_limits(&pattern, &event, &m.limits().clone())
                    .is_ok()
            );
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn empty_and_nested_arrays_inside_arrays_keep_elements_apart() {
    let mut m = Machine::new();
    m.add_rule("pair", r#"{"a": {"b": ["1"], "c": ["2"]}}"#)
        .unwrap();
    // Element verdicts must stay balanced around empty and nested arrays.
    assert_eq!(
        names(&m, r#"{"a": [[], [{"b": "1", "c": "2"}], []]}"#),
        vec!["pair"]
    );
    assert!(names(&m, r#"{"a": [[], {"b": "1"}, [[]], {"c": "2"}, []]}"#).is_empty());
    assert!(names(&m, r#"{"a": [[{"b": "1"}], [{"c": "2"}]]}"#).is_empty());
    let mut m = Machine::new();
    m.add_rule(
        "gone",
        r#"{"x": ["y"], "a": {"b": [{"exists": false}], "c": ["2"]}}"#,
    )
    .unwrap();
    assert_eq!(
        names(&m, r#"{"x": "y", "a": [[], {"c": "2"}, [], {"b": 1}]}"#),
        vec!["gone"]
    );
}

#[test]
fn delete_recognises_a_pattern_by_its_parsed_form() {
    let mut m = Machine::new();
    m.add_rule(
        "r",
        r#"{"a": [35, "x"], "b": {"c": [{"numeric": [">", 1e1]}]}}"#,
    )
    .unwrap();
    // Same numbers by value, other key order and whitespace: the same pattern.
    assert!(m
        .delete_rule(
            &"r",
            r#"{ "b": {"c": [{"numeric": [">", 10.0]}]}, "a": [3.5e1, "x"] }"#
        )
        .unwrap());
    assert!(m.is_empty());
    m.add_rule("r", r#"{"a": ["x", "y"]}"#).unwrap();
    assert!(!m.delete_rule(&"r", r#"{"a": ["y", "x"]}"#).unwrap());
    assert!(m.delete_rule(&"r", r#"{"a": ["x", "y"]}"#).unwrap());
}

#[test]
fn many_middle_star_wildcards_on_one_path_add_in_linear_time() {
    // 1,000 anchored wildcards with a middle star: checking the automaton on every add would be
    // quadratic; amortised checks keep this test quick even in debug builds.
    let mut m = Machine::new();
    for i in 0..1_000 {
        m.add_rule(i, format!(r#"{{"a": [{{"wildcard": "x*{i}"}}]}}"#))
            .unwrap();
    }
    let mut got = m.matches_for_event(r#"{"a": "x-1234"}"#).unwrap();
    got.sort_unstable();
    assert_eq!(got, vec![4, 34, 234]);
}

#[test]
fn repeated_keys_cannot_make_the_exact_search_hang() {
    let mut m = Machine::new();
    m.add_rule(
        "r",
        r#"{"x": {"a": [1], "b": [1], "c": [1]}, "z": [{"exists": false}]}"#,
    )
    .unwrap();
    let run = |n: usize, z: &str| {
        let one = |k: &str| vec![format!("{{\"{k}\": 1}}"); n].join(",");
        format!(
            r#"{{"x": [{}], "x": [{}], "x": [{}], {z}}}"#,
            one("a"),
            one("b"),
            one("c")
        )
    };
    // A veto compatible with every choice is seen without searching: answered, not hung.
    assert!(names(&m, &run(400, r#""z": 1"#)).is_empty());
    assert!(names(&m, &run(400, r#""z": [1]"#)).is_empty());
    // Without z, the first choice succeeds.
    assert_eq!(names(&m, &run(400, r#""w": 1"#)), vec!["r"]);
    // A veto that only some choices avoid: either decided or refused with an error, quickly.
    let mut m = Machine::new();
    m.add_rule(
        "r",
        r#"{"x": {"a": [1], "b": [1], "c": [1], "z": [{"exists": false}]}}"#,
    )
    .unwrap();
    let with_z = vec![r#"{"a": 1, "b": 1, "c": 1, "z": 1}"#; 300].join(",");
    let event = format!(r#"{{"x": [{with_z}], "x": [{{"q": 1}}]}}"#);
    match m.matches_for_event(&event) {
        Ok(found) => assert!(found.is_empty()),
        Err(e) => assert!(e.message().contains("several routes"), "{e}"),
    }
}
