"""Lambda event-source and EventBridge Pipes filter criteria: ``ferruler.FilterCriteria``.

The project's dialect conformance file (tests/dialects/cases.jsonl) runs whole through the
binding, as the CLI runs it; the tests after it pin the API itself.
"""

from __future__ import annotations

import base64
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import ferruler

CASES_FILE = Path(__file__).resolve().parents[3] / "tests" / "dialects" / "cases.jsonl"
CASES = [json.loads(line) for line in CASES_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


def criteria_for(dialect: str, filters: list[Any]) -> ferruler.FilterCriteria:
    """A case's dialect ("sqs", "pipes:kinesis", "eventbridge") as the binding's keywords."""
    service, _, source = dialect.rpartition(":")
    return ferruler.FilterCriteria(filters, source, pipes=service == "pipes")


def outcome(case: dict[str, Any]) -> tuple[str, str]:
    try:
        criteria = criteria_for(case["dialect"], case["filters"])
        return ("match" if criteria.matches(case["record"]) else "nomatch"), ""
    except (ferruler.InvalidFilterError, ferruler.InvalidRecordError) as e:
        return "error", str(e)


def test_the_conformance_file_is_there() -> None:
    assert len(CASES) >= 30
    assert {case["expect"] for case in CASES} == {"match", "nomatch", "error"}


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_dialect_case(case: dict[str, Any]) -> None:
    got, message = outcome(case)
    assert got == case["expect"], message
    if got == "error":
        assert case["message"] in message


SQS = {
    "messageId": "059f36b4-87a3-44ab-83d2-661975830a7d",
    "attributes": {"ApproximateReceiveCount": "1"},
    "messageAttributes": {},
    "eventSource": "aws:sqs",
    "eventSourceARN": "arn:aws:sqs:us-west-2:123456789012:my-queue",
    "awsRegion": "us-west-2",
}


def sqs(body: str) -> dict[str, Any]:
    return {**SQS, "body": body}


def test_sqs_json_body() -> None:
    criteria = ferruler.FilterCriteria([{"body": {"RequestCode": ["BBBB"]}}], "sqs")
    assert criteria.matches(sqs('{"RequestCode": "BBBB"}'))
    assert not criteria.matches(sqs('{"RequestCode": "AAAA"}'))
    assert not criteria.matches(sqs("RequestCode BBBB"))
    # Records as JSON text, bytes and dicts alike.
    assert criteria.matches(json.dumps(sqs('{"RequestCode": "BBBB"}')).encode())


def test_sqs_plain_string_body() -> None:
    criteria = ferruler.FilterCriteria(['{"body": ["This is a plain string"]}'], "sqs")
    assert criteria.matches(sqs("This is a plain string"))
    assert not criteria.matches(sqs('{"x": "This is a plain string"}'))
    assert json.loads(criteria.event(sqs("This is a plain string")))["body"] == "This is a plain string"


def test_kinesis_base64_record() -> None:
    data = base64.b64encode(json.dumps({"temperature": 31, "city": "Lisbon"}).encode()).decode()
    record = {
        "kinesis": {"partitionKey": "1", "sequenceNumber": "4959", "data": data},
        "eventSource": "aws:kinesis",
    }
    criteria = ferruler.FilterCriteria([{"data": {"temperature": [{"numeric": [">", 30]}]}}], "kinesis")
    assert criteria.matches(record)
    assert json.loads(criteria.event(record))["data"] == {"temperature": 31, "city": "Lisbon"}
    assert not ferruler.FilterCriteria([{"data": {"city": ["Porto"]}}], "kinesis").matches(record)
    with pytest.raises(ferruler.InvalidRecordError, match="not base64") as raised:
        criteria.matches({**record, "kinesis": {**record["kinesis"], "data": "%%%"}})
    assert isinstance(raised.value, ferruler.InvalidEventError)


def test_dynamodb_record() -> None:
    record = {
        "eventName": "INSERT",
        "eventSource": "aws:dynamodb",
        "dynamodb": {"NewImage": {"Message": {"S": "New item!"}, "Id": {"N": "101"}}},
    }
    criteria = ferruler.FilterCriteria(
        [{"eventName": ["INSERT"], "dynamodb": {"NewImage": {"Id": {"N": ["101"]}}}}], "dynamodb"
    )
    assert criteria.matches(record)
    assert not criteria.matches({**record, "eventName": "MODIFY"})


def test_an_operator_the_service_refuses() -> None:
    wildcard = [{"body": {"file": [{"wildcard": "*.png"}]}}]
    with pytest.raises(ferruler.InvalidFilterError) as raised:
        ferruler.FilterCriteria(wildcard, "sqs")
    e = raised.value
    assert isinstance(e, ferruler.InvalidPatternError) and isinstance(e, ValueError)
    assert 'does not support "wildcard"' in e.message
    assert e.filter == 0
    assert str(e).startswith("filter 0: ")
    assert (e.line, e.column) >= (1, 1)
    # The error survives pickling with every field.
    assert vars(pickle.loads(pickle.dumps(e))) == vars(e)
    with pytest.raises(ferruler.InvalidFilterError, match='"\\$or"'):
        ferruler.FilterCriteria([{"body": {"a": ["1"]}}, {"$or": [{"body": ["x"]}, {"body": ["y"]}]}], "sqs")
    # Pipes allows $or but not wildcard either, and names itself.
    assert ferruler.FilterCriteria([{"$or": [{"body": ["x"]}, {"body": ["y"]}]}], "sqs", pipes=True).matches(sqs("y"))
    with pytest.raises(ferruler.InvalidFilterError, match="Pipes event filtering"):
        ferruler.FilterCriteria(wildcard, "sqs", pipes=True)


def test_the_error_names_the_filter_at_fault() -> None:
    with pytest.raises(ferruler.InvalidFilterError) as raised:
        ferruler.FilterCriteria([{"body": ["a"]}, '{\n  "body": [{"wildcard": "*"}]\n}'], "sqs")
    assert raised.value.filter == 1
    assert raised.value.line == 2


def test_too_many_filters() -> None:
    six = [{"body": [str(i)]} for i in range(6)]
    assert len(ferruler.FilterCriteria(six, "sqs")) == 6
    with pytest.raises(ferruler.InvalidFilterError, match="at most 5") as raised:
        ferruler.FilterCriteria(six, "sqs", pipes=True)
    assert raised.value.filter is None


def test_several_filters_are_ored() -> None:
    criteria = ferruler.FilterCriteria(
        [
            {"body": {"RequestCode": ["AAAA"]}},
            {"body": {"RecordNumber": [{"numeric": [">", 1000]}]}},
            {"body": {"RequestCode": [{"prefix": "B"}]}},
        ],
        "sqs",
    )
    record = sqs('{"RecordNumber": 1234, "RequestCode": "BBBB"}')
    assert criteria.matches(record)
    assert criteria.matching_filters(record) == [1, 2]
    assert criteria.matching_filters(sqs('{"RequestCode": "AAAA"}')) == [0]
    assert not criteria.matches(sqs('{"RequestCode": "CCCC"}'))
    # No filter lets every record through, as in Lambda.
    assert ferruler.FilterCriteria([], "sqs").matches(sqs("anything"))


def test_sources_and_services() -> None:
    lam = ferruler.FilterCriteria([], "SQS")
    assert (lam.source, lam.pipes, lam.service, lam.max_filters) == ("sqs", False, "Lambda", 10)
    pipe = ferruler.FilterCriteria([], "kinesis", pipes=True)
    assert (pipe.source, pipe.pipes, pipe.service, pipe.max_filters) == ("kinesis", True, "Pipes", 5)
    assert ferruler.FilterCriteria([], "pipes:mq").service == "Pipes"
    assert ferruler.FilterCriteria([], "msk").source == "kafka"
    eb = ferruler.FilterCriteria([{"source": ["a"]}], "eventbridge")
    assert (eb.source, eb.service, eb.max_filters) == ("eventbridge", "EventBridge", None)
    assert eb.matches({"source": "a"})
    assert "sqs" in repr(lam)
    with pytest.raises(ValueError, match="unknown event source"):
        ferruler.FilterCriteria([], "sns")
    with pytest.raises(ValueError, match="pipes=True"):
        ferruler.FilterCriteria([], "eventbridge", pipes=True)
    with pytest.raises(TypeError, match="filter must be"):
        ferruler.FilterCriteria([42], "sqs")
    with pytest.raises(TypeError, match="record must be"):
        lam.matches(42)


def test_a_record_that_is_not_json() -> None:
    criteria = ferruler.FilterCriteria([{"body": ["x"]}], "sqs")
    with pytest.raises(ferruler.InvalidRecordError) as raised:
        criteria.matches('{"body": ')
    assert str(raised.value).startswith("invalid record: ")
    with pytest.raises(ferruler.InvalidRecordError, match="UTF-8"):
        criteria.matches(b'{"body": "\xff"}')


def test_the_readme_section_runs() -> None:
    import doctest

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Lambda and Pipes filters", 1)[1].split("\n## ", 1)[0]
    test = doctest.DocTestParser().get_doctest(section, {"ferruler": ferruler}, "README", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
    assert len(test.examples) == 4
