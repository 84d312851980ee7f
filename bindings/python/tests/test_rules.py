"""ferruler.load_rules: rules read from files, folders and templates as the ferruler CLI reads them.

The templates are the CLI's own test fixtures (bindings/cli/tests/fixtures), read in place. Each
is checked twice: against facts written in the fixture (names, the patterns they resolve to), and,
when a ferruler binary is at hand ($FERRULER_BIN or the workspace's target/*/ferruler, which
scripts/test.sh builds before the Python tests), against what `ferruler check --format json`
reports for the same path (names, files, lines and columns) and what `ferruler filter --rules`
matches (the patterns themselves).
"""

from __future__ import annotations

import json
import pickle
import subprocess
from pathlib import Path
from typing import Any

import pytest

import ferruler
from ferruler import InvalidRuleFileError, Rule, load_rules

from corpus import REPO, ferruler_bin

FIXTURES = REPO / "bindings" / "cli" / "tests" / "fixtures"
SAM = FIXTURES / "sam-app" / "template.yaml"
SERVERLESS = FIXTURES / "serverless-app" / "serverless.yml"
TERRAFORM = FIXTURES / "terraform"
LAMBDA_FILTERS = FIXTURES / "lambda-filters" / "template.yaml"

CLOUDFORMATION = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Stage:
    Type: String
    Default: prod
  Account:
    Type: String
Resources:
  Orders:
    Type: AWS::Events::Rule
    Properties:
      EventPattern:
        source: [!Sub "com.shop.${Stage}"]
        account: [!Ref Account]
        detail:
          total: [{numeric: [">", 100]}]
  Audit:
    Type: AWS::Events::Rule
    Properties:
      EventPattern: '{"detail-type": [{"prefix": "Audit"}]}'
  Nightly:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 day)
"""


def _patterns(rules: list[Rule]) -> dict[str, Any]:
    return {rule.name: json.loads(rule.pattern) for rule in rules}


def test_a_cloudformation_yaml_template(tmp_path: Path) -> None:
    template = tmp_path / "stack.yaml"
    template.write_text(CLOUDFORMATION)
    rules = load_rules(template, params={"Account": "123456789012"})
    assert _patterns(rules) == {
        "Orders": {
            "source": ["com.shop.prod"],
            "account": ["123456789012"],
            "detail": {"total": [{"numeric": [">", 100]}]},
        },
        "Audit": {"detail-type": [{"prefix": "Audit"}]},
    }
    orders, audit = rules
    assert (orders.file, orders.line, orders.column) == (str(template), 13, 15)
    # A pattern written as a JSON string starts after its quote.
    assert (audit.file, audit.line, audit.column) == (str(template), 20, 22)
    assert orders.dialect == audit.dialect == "eventbridge"
    assert orders.filters == ()
    # The rules compile as they are.
    machine = ferruler.Machine()
    for rule in rules:
        machine.add_rule(rule.name, rule.pattern)
    event = {"source": "com.shop.prod", "account": "123456789012", "detail": {"total": 150}}
    assert machine.matches_for_event(event) == ["Orders"]
    assert load_rules(str(template), params={"Account": "1", "Stage": "dev"})[0].pattern.count("com.shop.dev") == 1


def test_a_parameter_without_a_value_is_the_cli_message(tmp_path: Path) -> None:
    template = tmp_path / "stack.yaml"
    template.write_text(CLOUDFORMATION)
    with pytest.raises(InvalidRuleFileError) as e:
        load_rules(template)
    assert str(e.value) == (
        f"{template}:14:24: error: rule Orders: !Ref Account: the parameter has no Default; "
        "pass --param Account=VALUE"
    )
    assert (e.value.file, e.value.line, e.value.column) == (str(template), 14, 24)
    assert e.value.message == "rule Orders: !Ref Account: the parameter has no Default; pass --param Account=VALUE"
    assert isinstance(e.value, ValueError)
    assert [r.name for r in load_rules(template, skip_unresolved=True)] == ["Audit"]


def test_a_sam_template() -> None:
    rules = load_rules(SAM)
    assert _patterns(rules) == {
        "OrderHandlerOnOrder": {
            "source": ["com.shop.prod"],
            "detail-type": ["Order Placed"],
            "detail": {"total": [{"numeric": [">", 0]}]},
        },
        "RefundHandlerOnRefund": {
            "source": ["com.shop.prod"],
            "detail-type": [{"prefix": "Refund"}],
            "detail": {"items": {"sku": [{"prefix": "SKU-"}], "quantity": [{"numeric": [">=", 2]}]}},
        },
        "EuOrdersRule": {
            "source": ["com.shop.prod"],
            "region": ["eu-west-1"],
            "detail": {"shipping": {"country": [{"anything-but": ["US", "CA"]}], "express": [True]}},
        },
        "AuditRule": {
            "account": [{"exists": True}],
            "detail": {"actor": {"type": [{"equals-ignore-case": "admin"}]}},
        },
    }
    assert [(r.line, r.column) for r in rules] == [(29, 21), (48, 21), (62, 15), (78, 9)]
    assert {r.file for r in rules} == {str(SAM)}
    assert _patterns(load_rules(SAM, params={"Stage": "dev"}))["OrderHandlerOnOrder"]["source"] == ["com.shop.dev"]


def test_a_serverless_service() -> None:
    rules = load_rules(SERVERLESS)
    assert _patterns(rules) == {
        "shop-dev-orders-rule-2": {
            "source": ["com.shop.dev", "com.shop.legacy"],
            "detail-type": ["Order Placed"],
            "detail": {"total": [{"numeric": [">=", 100]}]},
        },
        "refund-issued": {"source": ["com.shop.payments"], "detail-type": ["Refund Issued"]},
        "refunds-dev-rule-2": {"source": ["com.shop.audit"]},
    }
    # The stage and the params of the framework, as `--param stage=prod` gives them to the CLI.
    prod = _patterns(load_rules(SERVERLESS, params={"stage": "prod"}))
    assert prod["shop-prod-orders-rule-2"]["detail"] == {"total": [{"numeric": [">=", 1000]}]}


def test_a_terraform_folder() -> None:
    # aws_cloudwatch_event_rule.alerts matches a topic's ARN, which only Terraform knows.
    with pytest.raises(InvalidRuleFileError, match="aws_sns_topic.alerts.arn is known only to Terraform") as e:
        load_rules(TERRAFORM)
    assert (e.value.file, e.value.line, e.value.column) == (str(TERRAFORM / "main.tf"), 43, 45)
    rules = load_rules(TERRAFORM, skip_unresolved=True)
    assert _patterns(rules) == {
        "aws_cloudwatch_event_rule.orders": {
            "source": ["shop.dev"],
            "detail-type": ["Order Placed"],
            "detail": {"total": [{"numeric": [">=", 100]}]},
        },
        "aws_cloudwatch_event_rule.shipping": {"source": ["shipping"], "detail-type": [{"prefix": "Shipment "}]},
        "aws_cloudwatch_event_rule.from_file": {"source": ["shop"], "detail-type": ["Refund Issued"]},
        "module.billing.aws_cloudwatch_event_rule.refunds": {"source": ["billing"], "detail": {"bus": ["billing-dev"]}},
        # patterns/refund.json, a pattern file in the folder, is a rule of its own.
        "refund": {"source": ["shop"], "detail-type": ["Refund Issued"]},
    }
    # A .tf file stands for its module (the folder's .tf files), as Terraform reads no single file.
    module = load_rules(TERRAFORM / "main.tf", skip_unresolved=True)
    assert module == [rule for rule in rules if rule.name != "refund"]


def test_filter_criteria_keep_their_service_and_filters() -> None:
    rules = {r.name: r for r in load_rules(LAMBDA_FILTERS)}
    failed = rules["FailedOrderHandlerFailedOrders"]
    assert failed.dialect == "lambda:sqs"
    assert [json.loads(f) for f in failed.filters] == [
        {"body": {"status": ["FAILED"]}},
        {"body": {"retries": [{"numeric": [">", 3]}]}},
    ]
    criteria = ferruler.FilterCriteria(failed.filters, failed.dialect)
    assert criteria.matches({"body": '{"status": "FAILED"}'})
    assert not criteria.matches({"body": '{"status": "OK", "retries": 1}'})


def test_maps_and_folders(tmp_path: Path) -> None:
    rules_file = tmp_path / "all.json"
    rules_file.write_text('{"b": {"x": [1.50]}, "a": "{\\"y\\": [2]}"}')
    # The pattern's text as written (1.50 stays 1.50), or the string's contents.
    assert [(r.name, r.pattern) for r in load_rules(rules_file)] == [("b", '{"x": [1.50]}'), ("a", '{"y": [2]}')]
    folder = tmp_path / "rules"
    (folder / "nested").mkdir(parents=True)
    (folder / "big-orders.json").write_text('{"total": [{"numeric": [">", 100]}]}')
    (folder / "nested" / "more.rules.json").write_text('{"m1": {"a": ["b"]}}')
    (folder / "nested" / "stack.yaml").write_text(CLOUDFORMATION.replace("  Account:\n    Type: String\n", ""))
    (folder / "sample.event.json").write_text('{"not": "a rule"}')
    (folder / "events").mkdir()
    (folder / "events" / "e.json").write_text("{}")
    (folder / ".hidden.json").write_text("{")
    loaded = load_rules(folder, skip_unresolved=True)
    assert [r.name for r in loaded] == ["big-orders", "m1", "Audit"]
    assert loaded[0] == Rule(
        "big-orders", '{"total": [{"numeric": [">", 100]}]}', "eventbridge", (), str(folder / "big-orders.json"), 1, 1
    )


def test_errors_are_the_cli_messages(tmp_path: Path) -> None:
    bad_yaml = tmp_path / "template.yaml"
    bad_yaml.write_text("Resources:\n  R:\n    Type: AWS::Events::Rule\n    Properties: [\n")
    with pytest.raises(InvalidRuleFileError) as e:
        load_rules(bad_yaml)
    assert str(e.value).startswith(f"{bad_yaml}:5:1: error: ")
    assert (e.value.file, e.value.line) == (str(bad_yaml), 5)
    # Every invalid rule, one per line, the first one's place in the attributes.
    with pytest.raises(InvalidRuleFileError) as e:
        load_rules(FIXTURES / "invalid" / "broken-template.yaml", params={"Queue.Arn": "arn:aws:sqs:x"})
    lines = str(e.value).splitlines()
    assert len(lines) == 3
    assert all(": error: rule " in line for line in lines)
    assert lines[0].startswith(f"{FIXTURES / 'invalid' / 'broken-template.yaml'}:13:")
    assert "rule BadNumeric: invalid event pattern: " in lines[0]
    assert (e.value.line, e.value.message.splitlines()[0]) == (13, lines[0].split(": error: ", 1)[1])
    with pytest.raises(InvalidRuleFileError, match="cannot read") as e:
        load_rules(tmp_path / "missing.json")
    assert (e.value.file, e.value.line, e.value.column) == (str(tmp_path / "missing.json"), None, None)
    twice = tmp_path / "twice"
    twice.mkdir()
    (twice / "a.rules.json").write_text('{"r": {"x": [1]}}')
    (twice / "b.rules.json").write_text('{"r": {"x": [2]}}')
    with pytest.raises(InvalidRuleFileError, match=r"rule r is already defined at .*a\.rules\.json:1:7"):
        load_rules(twice)


def test_the_error_pickles() -> None:
    error = InvalidRuleFileError("t.yaml:3:4: error: bad", "bad", "t.yaml", 3, 4)
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.message, copy.file, copy.line, copy.column) == (str(error), "bad", "t.yaml", 3, 4)


# Against the CLI ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli() -> str:
    binary = ferruler_bin()
    if binary is None:
        pytest.skip("no ferruler binary (FERRULER_BIN or target/*/ferruler)")
    return binary


@pytest.mark.parametrize("path", [SAM, SERVERLESS, TERRAFORM, LAMBDA_FILTERS, REPO / "examples" / "shop"])
def test_the_rules_and_places_ferruler_check_reports(cli: str, path: Path) -> None:
    checked = subprocess.run([cli, "check", "--format", "json", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    results = json.loads(checked.stdout)["results"]
    want = [(r["rule"], r["file"], r["line"], r["column"]) for r in results if r["status"] == "valid"]
    got = [(r.name, r.file, r.line, r.column) for r in load_rules(path, skip_unresolved=True)]
    assert got == want
    # What check leaves unchecked is what load_rules refuses without skip_unresolved.
    if any(r["status"] == "not-checked" for r in results):
        with pytest.raises(InvalidRuleFileError):
            load_rules(path)


def test_the_patterns_ferruler_filter_matches(cli: str) -> None:
    events: list[dict[str, Any]] = [
        {"source": "com.shop.prod", "detail-type": "Order Placed", "detail": {"total": 5}},
        {"source": "com.shop.dev", "detail-type": "Order Placed", "detail": {"total": 5}},
        {"source": "com.shop.prod", "detail-type": "Refund 1", "detail": {"items": [{"sku": "SKU-1", "quantity": 2}]}},
        {"source": "com.shop.prod", "region": "eu-west-1", "detail": {"shipping": {"country": "FR", "express": True}}},
        {"account": "1", "detail": {"actor": {"type": "ADMIN"}}},
        {"source": "com.shop.prod", "detail-type": "Order Placed", "detail": {"total": 5000}},
        {"source": "com.shop.payments", "detail-type": "Refund Issued"},
        {"source": "nothing"},
    ]
    lines = "".join(json.dumps(event) + "\n" for event in events)
    for path, params in [(SAM, {}), (SAM, {"Stage": "dev"}), (SERVERLESS, {"stage": "prod"})]:
        args = [cli, "filter", "--rules", str(path)] + [f"--param={k}={v}" for k, v in params.items()]
        filtered = subprocess.run(args, input=lines, capture_output=True, text=True, check=True)
        want = [sorted(json.loads(line)) for line in filtered.stdout.splitlines()]
        machine: ferruler.Machine[str] = ferruler.Machine()
        for rule in load_rules(path, params=params):
            machine.add_rule(rule.name, rule.pattern)
        assert [sorted(machine.matches_for_event(event)) for event in events] == want, (path, params)
        assert any(want)
