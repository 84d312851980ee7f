"""TestEventPattern through boto3, as a test suite written against EventBridge calls it."""

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from envelope import ENVELOPE, event_text

ORDER = {**ENVELOPE, "source": "com.shop", "detail": {"total": 1250, "currency": "EUR"}}
BIG_ORDERS = {"source": ["com.shop"], "detail": {"total": [{"numeric": [">=", 1000]}]}}


def test_a_matching_event_gives_true(events):
    answer = events.test_event_pattern(EventPattern=json.dumps(BIG_ORDERS), Event=json.dumps(ORDER))
    assert answer["Result"] is True
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert answer["ResponseMetadata"]["RequestId"]


def test_a_non_matching_event_gives_false(events):
    small = {**ORDER, "detail": {"total": 12, "currency": "EUR"}}
    answer = events.test_event_pattern(EventPattern=json.dumps(BIG_ORDERS), Event=json.dumps(small))
    assert answer["Result"] is False


def test_an_invalid_pattern_raises_the_modelled_exception_with_the_service_message(events):
    pattern = '{\n  "source": "com.shop"\n}'
    with pytest.raises(events.exceptions.InvalidEventPatternException) as raised:
        events.test_event_pattern(EventPattern=pattern, Event=json.dumps(ORDER))
    error = raised.value.response["Error"]
    assert error["Code"] == "InvalidEventPatternException"
    assert error["Message"] == (
        'Event pattern is not valid. Reason: "source" must be an object or an array\n'
        f' at [Source: (String)"{pattern}"; line: 2, column: 13]'
    )
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_an_event_that_is_not_json_is_a_validation_error(events):
    with pytest.raises(ClientError) as raised:
        events.test_event_pattern(EventPattern=json.dumps(BIG_ORDERS), Event="{not json")
    assert raised.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "Parameter Event is not valid.",
    }


@pytest.mark.parametrize("field", sorted(ENVELOPE))
def test_an_event_without_an_envelope_field_is_refused_as_the_service_does(events, field):
    event = {k: v for k, v in ORDER.items() if k != field}
    with pytest.raises(ClientError) as raised:
        events.test_event_pattern(EventPattern=json.dumps(BIG_ORDERS), Event=json.dumps(event))
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert raised.value.response["Error"]["Message"] == "Parameter Event is not valid."


def library_answer(ferruler: str, pattern: str, event: str) -> str:
    """What the library says, through `ferruler test-event-pattern --envelope aws`: true, false,
    or the error code the service would give."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, text in (("pattern.json", pattern), ("event.json", event)):
            path = Path(folder) / name
            path.write_text(text, encoding="utf-8")
            paths.append(f"file://{path}")
        run = subprocess.run(
            [ferruler, "test-event-pattern", "--envelope", "aws",
             "--event-pattern", paths[0], "--event", paths[1]],
            capture_output=True, text=True, check=False, env={**os.environ, "NO_COLOR": "1"},
        )
    if run.returncode in (0, 1):
        return run.stdout.strip()
    assert run.returncode == 2, run.stderr
    return "InvalidEventPatternException" if "invalid event pattern" in run.stderr else "ValidationException"


def test_the_conformance_corpus_gives_the_library_answers(events):
    """Every case of the shared corpus (events given the envelope the service requires) gets the
    same answer through boto3 as from the library, whatever the corpus expects."""
    ferruler = os.environ["FERRULER_BIN"]
    cases = [json.loads(line) for line in Path(os.environ["FERRULER_CASES"]).read_text().splitlines() if line.strip()]
    assert len(cases) > 100
    differ = []
    for case in cases:
        pattern = case["pattern_text"] if "pattern_text" in case else json.dumps(case["pattern"])
        event = event_text(case["event"])
        try:
            served = str(events.test_event_pattern(EventPattern=pattern, Event=event)["Result"]).lower()
        except ClientError as e:
            served = e.response["Error"]["Code"]
        expected = library_answer(ferruler, pattern, event)
        if served != expected:
            differ.append(f"{case['name']}: served {served}, library {expected}")
    assert differ == []
