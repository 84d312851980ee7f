"""Assertions for testing EventBridge rules with pytest (or any test runner using ``assert``).

A failing assertion's message is the explanation of the pattern on the event (``str()`` of
``ferruler.explain``, the ``ferruler explain`` text), so a failing test says *why* the event did
or did not match, condition by condition, rather than only that it did not::

    from ferruler.testing import assert_matches, assert_no_match

    def test_big_orders_rule():
        assert_matches(BIG_ORDERS, {"detail-type": "Order Placed", "detail": {"total": 1250}})
        assert_no_match(BIG_ORDERS, {"detail-type": "Order Placed", "detail": {"total": 5}})
"""

from __future__ import annotations

from typing import Any, Optional, Union

from ._explain import explain
from ._ferruler import Limits

__all__ = ["assert_matches", "assert_no_match"]

_JSON = Union[str, bytes, bytearray, memoryview, "dict[str, Any]"]


def assert_matches(pattern: _JSON, event: _JSON, *, limits: Optional[Limits] = None) -> None:
    """Raises AssertionError, with the explanation as its message, unless ``event`` matches
    ``pattern``. An invalid pattern or event raises InvalidPatternError or InvalidEventError."""
    __tracebackhide__ = True  # pytest shows the test's line, not this one
    why = explain(pattern, event, limits=limits)
    if not why.matched:
        raise AssertionError(str(why))


def assert_no_match(pattern: _JSON, event: _JSON, *, limits: Optional[Limits] = None) -> None:
    """Raises AssertionError, with the explanation as its message, if ``event`` matches
    ``pattern``. An invalid pattern or event raises InvalidPatternError or InvalidEventError."""
    __tracebackhide__ = True
    why = explain(pattern, event, limits=limits)
    if why.matched:
        raise AssertionError(str(why))
