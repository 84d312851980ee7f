"""ferruler.testing: assertions whose failure message is the explanation."""

import pytest

import ferruler
from ferruler.testing import assert_matches, assert_no_match

BIG_ORDERS = {"detail-type": ["Order Placed"], "detail": {"total": [{"numeric": [">=", 1000]}]}}
BIG = {"detail-type": "Order Placed", "detail": {"total": 1250}}
SMALL = {"detail-type": "Order Placed", "detail": {"total": 5}}


def test_passing_assertions_return_none():
    assert assert_matches(BIG_ORDERS, BIG) is None
    assert assert_no_match(BIG_ORDERS, SMALL) is None


def test_assert_matches_fails_with_the_explanation():
    with pytest.raises(AssertionError) as raised:
        assert_matches(BIG_ORDERS, SMALL)
    assert str(raised.value) == str(ferruler.explain(BIG_ORDERS, SMALL))
    assert "detail.total = 5  not accepted" in str(raised.value)
    assert "→ no accepted value at detail.total" in str(raised.value)


def test_assert_no_match_fails_with_the_explanation():
    with pytest.raises(AssertionError) as raised:
        assert_no_match(BIG_ORDERS, BIG)
    assert str(raised.value) == str(ferruler.explain(BIG_ORDERS, BIG))
    assert str(raised.value).startswith("match\n")


def test_bad_input_is_an_error_not_a_failure():
    with pytest.raises(ferruler.InvalidPatternError):
        assert_matches('{"a": "not a list"}', BIG)
    with pytest.raises(ferruler.InvalidEventError):
        assert_no_match(BIG_ORDERS, "[1]")


def test_a_failing_pytest_test_shows_why(pytester):
    pytester.makepyfile(
        """
        from ferruler.testing import assert_matches

        def test_rule():
            assert_matches({"source": ["com.shop"]}, {"source": "com.other"})
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(['*source = "com.other"  not accepted*'])
