"""ferruler.explain: the structured result, and its text, which must be the CLI's."""

import pytest

import ferruler

PATTERN = (
    '{"source": ["com.shop"], "detail": {"state": ["stopped", {"prefix": "term"}],'
    ' "gone": [{"exists": false}]}}'
)
EVENT = '{"source": "com.shop", "detail": {"state": "running", "gone": {"x": 1}}}'

# What `ferruler explain --event-pattern PATTERN --event EVENT` prints (bindings/cli/tests/cli/explain.rs).
CLI_TEXT = (
    "no match\n"
    '✓ detail.gone {"exists": false}\n'
    "    an object here, not a value (objects never match)\n"
    '✗ detail.state ["stopped", {"prefix": "term"}]\n'
    '    detail.state = "running"  not accepted\n'
    '✓ source ["com.shop"]\n'
    '    source = "com.shop"  accepted by "com.shop"\n'
    "→ no accepted value at detail.state\n"
)


def test_str_is_the_cli_text():
    assert str(ferruler.explain(PATTERN, EVENT)) == CLI_TEXT


# A pattern with wildcards: its complexity (EventBridge's measure) comes under the verdict, as the
# CLI prints it (bindings/cli/tests/cli/explain.rs).
WILDCARD_TEXT = (
    "match\n"
    "wildcard complexity 9 (EventBridge refuses a rule above 10)\n"
    '✓ key [{"wildcard": "*/*/*/*/*.json"}]\n'
    '    key = "a/b/c/d/e.json"  accepted by {"wildcard": "*/*/*/*/*.json"} (chosen)\n'
)


def test_str_shows_the_wildcard_complexity():
    why = ferruler.explain({"key": [{"wildcard": "*/*/*/*/*.json"}]}, {"key": "a/b/c/d/e.json"})
    assert str(why) == WILDCARD_TEXT


def test_conditions_values_and_verdicts():
    why = ferruler.explain(PATTERN, EVENT)
    assert not why.matched
    (alternative,) = why.alternatives
    assert (alternative.matched, alternative.reason) == (False, "unsatisfied")
    gone, state, source = alternative.conditions
    assert (gone.path, gone.exists_false, gone.holds, gone.objects, gone.values) == ("detail.gone", True, True, 1, [])
    assert state.matchers == ['"stopped"', '{"prefix": "term"}']
    assert state.values == [ferruler.Value(location="detail.state", value="running", accepted_by=[])]
    assert not state.holds
    assert source.values[0].accepted_by == ['"com.shop"']


def test_match_names_the_chosen_values():
    why = ferruler.explain({"n": [{"numeric": [">", 2]}]}, {"n": [1, 3.5]})
    assert why.matched
    (condition,) = why.alternatives[0].conditions
    assert [v.value for v in condition.values] == [1, 3.5]
    assert condition.chosen == 1
    assert condition.matchers == ['{"numeric": [">", 2]}']
    assert str(why).startswith("match\n")


def test_array_consistency_reason():
    why = ferruler.explain(
        {"items": {"sku": ["A"], "qty": [2]}},
        {"items": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2}]},
    )
    (alternative,) = why.alternatives
    assert alternative.reason == "array_conflict"
    assert alternative.conflicts == [ferruler.Conflict(first="items.qty", second="items.sku", array="items")]
    assert "are accepted only in different elements of items" in str(why)


def test_exists_false_violated():
    why = ferruler.explain({"a": {"b": [1], "c": [{"exists": False}]}}, {"a": [{"b": 1, "c": 5}]})
    (alternative,) = why.alternatives
    assert alternative.reason == "absent_violated"
    assert alternative.blocking == [ferruler.Blocking(path="a.c", location="a[0].c")]


def test_or_branches_each_explained():
    why = ferruler.explain('{"$or": [{"a": [1]}, {"b": [2]}]}', '{"b": 2}')
    assert why.matched
    assert [a.reason for a in why.alternatives] == ["unsatisfied", "matched"]
    assert "alternative 1 of 2: no match" in str(why)
    assert "alternative 2 of 2: matches" in str(why)


def test_errors_are_the_usual_ones():
    with pytest.raises(ferruler.InvalidPatternError):
        ferruler.explain('{"a": [{"numeric": [">", "x"]}]}', "{}")
    with pytest.raises(ferruler.InvalidEventError):
        ferruler.explain('{"a": [1]}', '{"a": [1,}')
    with pytest.raises(ferruler.InvalidPatternError, match="max_pattern_bytes"):
        ferruler.explain('{"a": [1]}', "{}", limits=ferruler.Limits(max_pattern_bytes=5))


def test_agrees_with_matching():
    pattern, event = {"region": [{"prefix": "eu-"}]}, {"region": "eu-west-1"}
    assert ferruler.explain(pattern, event).matched is ferruler.matches_rule(event, pattern)
