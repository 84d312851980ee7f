"""ferruler.spark: the Arrow column matcher, and match_rules / rule_counts on Spark in local mode.

Skipped only when pyspark cannot be imported *and* FERRULER_REQUIRE_SPARK is unset;
scripts/test-spark.sh sets it, so a broken Spark set-up fails the run instead of skipping.

The CityLots test compares Spark's answers with `ferruler filter`'s on the same archive. It needs
the CLI binary: $FERRULER_BIN, or target/release/ferruler or target/debug/ferruler of the
workspace; and the CityLots generator (shared/bench/gen_citylots.py beside the repository).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import ferruler

from corpus import REPO, ferruler_bin

REQUIRED = bool(os.environ.get("FERRULER_REQUIRE_SPARK"))
try:
    import pyarrow as pa
    import pyspark  # noqa: F401
except ImportError:
    if REQUIRED:
        raise
    pytest.skip("pyspark is not installed (scripts/test-spark.sh installs it)", allow_module_level=True)

from ferruler.spark import _match_array, _matcher, load_rules, match_array, match_rules, rule_counts  # noqa: E402

SHARED = REPO.parent / "shared"
SAM_TEMPLATE = REPO / "bindings" / "cli" / "tests" / "fixtures" / "sam-app" / "template.yaml"
RULES = {
    "eu": {"region": [{"prefix": "eu-"}]},
    "big": '{"total": [{"numeric": [">=", 1000]}]}',
    "any-total": {"total": [{"exists": True}]},
}


def _error_text(event: bytes) -> str:
    m = ferruler.Machine()
    for name, pattern in RULES.items():
        m.add_rule(name, pattern)
    with pytest.raises(ferruler.InvalidEventError) as e:
        m.matches_for_event(event)
    return str(e.value)


# The Arrow matcher, without Spark ---------------------------------------------------------------


def test_every_string_and_binary_type_slices_nulls_and_errors() -> None:
    matcher, names = _matcher(tuple(load_rules(RULES).items()))
    rows = [
        '{"region": "eu-west-1", "total": 1000}',
        None,
        '{"total": 5',
        '{"total": 2000}',
        "",
        '{"region": "us-east-1"}',
        "[1]",
    ] * 50
    whole = pa.array(rows, pa.string())
    machine = ferruler.Machine()
    for name, pattern in RULES.items():
        machine.add_rule(name, pattern)
    order = list(RULES)
    kinds = [pa.string(), pa.large_string(), pa.binary(), pa.large_binary()]
    try:  # string_view and its casts came in pyarrow 16 to 18
        whole.cast(pa.string_view()).cast(pa.string())
        kinds.append(pa.string_view())
    except (AttributeError, pa.ArrowNotImplementedError):
        pass
    for kind in kinds:
        for start, length in ((0, len(rows)), (3, 200), (len(rows) - 1, 1), (5, 0)):
            events = whole.cast(kind).slice(start, length)
            matched, errors = _match_array(matcher, names, events)
            assert matched.type == pa.list_(pa.field("item", pa.string(), nullable=False))
            assert len(matched) == len(errors) == length
            for row, got, error in zip(rows[start : start + length], matched.to_pylist(), errors.to_pylist()):
                if row is None:
                    assert (got, error) == (None, None)
                    continue
                try:
                    want = machine.matches_for_event(row)
                except ferruler.InvalidEventError as e:
                    assert got is None and error == str(e), (kind, row)
                    continue
                assert error is None
                assert got == sorted(want, key=order.index), (kind, row)


def test_a_large_column_is_matched_on_threads_in_order() -> None:
    rows = [json.dumps({"total": i, "region": "eu-1" if i % 3 else "us"}) for i in range(20000)]
    rows[12345] = '{"total": }'
    matched, errors = match_array(pa.chunked_array([rows[:7000], rows[7000:]]), RULES)
    got = matched.to_pylist()
    for i in (0, 999, 1000, 1001, 12344, 12346, 19999):
        want = (["eu"] if i % 3 else []) + (["big"] if i >= 1000 else []) + ["any-total"]
        assert got[i] == want, i
    assert got[12345] is None
    assert errors.null_count == len(rows) - 1
    assert errors[12345].as_py() == _error_text(b'{"total": }')


def test_unsupported_column_types_are_refused() -> None:
    matcher, names = _matcher(tuple(load_rules(RULES).items()))
    with pytest.raises(TypeError, match="string, binary"):
        _match_array(matcher, names, pa.array([1, 2]))


# Loading rules on the driver --------------------------------------------------------------------


def test_rules_from_a_map_file_and_a_folder(tmp_path: Path) -> None:
    rules_file = tmp_path / "all.json"
    rules_file.write_text(json.dumps({"b": {"x": [1]}, "a": '{"y": [2]}'}))
    assert load_rules(rules_file) == {"b": '{"x": [1]}', "a": '{"y": [2]}'}
    folder = tmp_path / "rules"
    (folder / "nested").mkdir(parents=True)
    (folder / "big-orders.json").write_text('{"total": [{"numeric": [">", 100]}]}')
    (folder / "nested" / "more.rules.json").write_text('{"m1": {"a": ["b"]}}')
    (folder / "sample.event.json").write_text('{"not": "a rule"}')
    (folder / "events").mkdir()
    (folder / "events" / "e.json").write_text("{}")
    (folder / ".hidden.json").write_text("{")
    loaded = load_rules(str(folder))
    assert loaded == {"big-orders": '{"total": [{"numeric": [">", 100]}]}', "m1": '{"a": ["b"]}'}


def test_templates_are_read_as_the_cli_reads_them(tmp_path: Path) -> None:
    assert load_rules(SAM_TEMPLATE) == {rule.name: rule.pattern for rule in ferruler.load_rules(SAM_TEMPLATE)}
    assert list(load_rules(str(SAM_TEMPLATE), params={"Stage": "dev"})) == [
        "OrderHandlerOnOrder",
        "RefundHandlerOnRefund",
        "EuOrdersRule",
        "AuditRule",
    ]
    assert "com.shop.dev" in load_rules(SAM_TEMPLATE, params={"Stage": "dev"})["OrderHandlerOnOrder"]
    # Filter criteria match their sources' records, not EventBridge events.
    filters_only = tmp_path / "filters.yaml"
    filters_only.write_text(
        "Resources:\n  M:\n    Type: AWS::Lambda::EventSourceMapping\n    Properties:\n"
        "      EventSourceArn: arn:aws:sqs:eu-west-1:1:q\n"
        "      FilterCriteria:\n        Filters:\n          - Pattern: '{\"body\": {\"a\": [1]}}'\n"
    )
    with pytest.raises(ValueError, match="only Lambda or Pipes filter criteria"):
        load_rules(filters_only)


def test_bad_rules_are_clear_errors(tmp_path: Path) -> None:
    broken = tmp_path / "template.yaml"
    broken.write_text("Resources:\n  R:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern: {a: [\n")
    with pytest.raises(ferruler.InvalidRuleFileError, match=f"^{re.escape(str(broken))}:6:1: error: "):
        load_rules(broken)
    with pytest.raises(ferruler.InvalidPatternError, match="rule 'bad': Value of > must be numeric") as e:
        load_rules({"ok": {"a": [1]}, "bad": {"n": [{"numeric": [">", "ten"]}]}})
    # The position is in the pattern as serialised: {"n":[{"numeric":[">","ten"]}]}
    assert (e.value.line, e.value.column) == (1, 23)
    with pytest.raises(TypeError, match="rule names must be str"):
        load_rules({1: {"a": [1]}})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="no rules"):
        load_rules({})
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="no rules"):
        load_rules(empty)
    with pytest.raises(ferruler.InvalidRuleFileError, match="cannot read"):
        load_rules(tmp_path / "missing")


# On Spark ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark():
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("ferruler-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "700")
        # Several partitions and batches even for the small corpus.
        .config("spark.sql.files.maxPartitionBytes", "1m")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_match_rules_on_strings_binary_and_nulls(spark) -> None:
    rows = [
        (1, '{"region": "eu-west-1", "total": 1000}'),
        (2, None),
        (3, '{"total": 5'),
        (4, '{"total": 2000}'),
        (5, '{"region": "us-east-1"}'),
    ]
    df = spark.createDataFrame(rows, "id int, body string")
    for frame in (df, df.selectExpr("id", "cast(body as binary) as body")):
        out = match_rules(frame, "body", RULES)
        assert out.columns == ["id", "body", "rules", "rules_error"]
        got = {r.id: (r.rules, r.rules_error) for r in out.collect()}
        assert got == {
            1: (["eu", "big", "any-total"], None),
            2: (None, None),
            3: (None, _error_text(b'{"total": 5')),
            4: (["big", "any-total"], None),
            5: ([], None),
        }
    named = match_rules(df, "body", RULES, output="hits", error_column="why")
    assert named.columns == ["id", "body", "hits", "why"]
    assert named.schema["hits"].dataType.simpleString() == "array<string>"


def test_a_template_path_matches_as_its_mapping(spark) -> None:
    events = [
        {"source": "com.shop.prod", "detail-type": "Order Placed", "detail": {"total": 5}},
        {"source": "com.shop.prod", "region": "eu-west-1", "detail": {"shipping": {"country": "FR", "express": True}}},
        {"account": "1", "detail": {"actor": {"type": "Admin"}}, "source": "com.shop.prod"},
        {"source": "com.shop.dev", "detail-type": "Order Placed", "detail": {"total": 5}},
    ]
    df = spark.createDataFrame([(json.dumps(e),) for e in events] + [("{",)], "body string")
    mapping = {rule.name: json.loads(rule.pattern) for rule in ferruler.load_rules(SAM_TEMPLATE)}
    from_path = [(r.rules, r.rules_error) for r in match_rules(df, "body", str(SAM_TEMPLATE)).collect()]
    from_mapping = [(r.rules, r.rules_error) for r in match_rules(df, "body", mapping).collect()]
    assert from_path == from_mapping
    assert [rules for rules, _ in from_path] == [
        ["OrderHandlerOnOrder"],
        ["EuOrdersRule"],
        ["AuditRule"],
        [],
        None,
    ]
    counts = rule_counts(df, "body", SAM_TEMPLATE).collect()
    assert [(r.rule, r["count"]) for r in counts] == [
        ("OrderHandlerOnOrder", 1),
        ("RefundHandlerOnRefund", 0),
        ("EuOrdersRule", 1),
        ("AuditRule", 1),
    ]


def test_match_rules_refuses_bad_arguments(spark) -> None:
    df = spark.createDataFrame([(1, "{}")], "id int, body string")
    with pytest.raises(TypeError, match="must be string or binary, not int"):
        match_rules(df, "id", RULES)
    with pytest.raises(ValueError, match="no column 'nope'"):
        match_rules(df, "nope", RULES)
    with pytest.raises(ValueError, match="already has a column 'id'"):
        match_rules(df, "body", RULES, output="id")
    with pytest.raises(ValueError, match="on_error"):
        match_rules(df, "body", RULES, on_error="skip")
    with pytest.raises(ferruler.InvalidPatternError, match="rule 'bad'"):
        match_rules(df, "body", {"bad": {"a": "not a list"}})


def test_on_error_raise_fails_the_job(spark) -> None:
    df = spark.createDataFrame([('{"total": 1}',), ("{oops",)], "body string")
    out = match_rules(df, "body", RULES, on_error="raise")
    assert out.columns == ["body", "rules"]
    with pytest.raises(Exception, match=re.escape(_error_text(b"{oops"))):
        out.collect()


def _citylots(tmp_path: Path, events: int = 3000) -> tuple[Path, list[int]]:
    """A CityLots corpus of `events` lines with a few corrupted lines (their 1-based numbers)."""
    generator = SHARED / "bench" / "gen_citylots.py"
    gz = tmp_path / "city.jsonl.gz"
    subprocess.run([sys.executable, str(generator), "--events", str(events), "--out", str(gz)], check=True)
    lines = gzip.decompress(gz.read_bytes()).decode().splitlines()
    bad = [7, 500, 1501, 2999]
    for n in bad:
        line = lines[n - 1]
        lines[n - 1] = {
            7: line[: len(line) // 2],
            500: line.replace('"properties"', "properties", 1),
            1501: line + "}",
            2999: "[" + line,
        }[n]
    text = "\n".join(lines) + "\n"
    plain = tmp_path / "city-corrupted.jsonl"
    plain.write_text(text)
    return plain, bad


def test_citylots_results_equal_ferruler_filter(spark, tmp_path: Path) -> None:
    binary = ferruler_bin()
    if binary is None:
        if REQUIRED:
            pytest.fail("no ferruler binary: set FERRULER_BIN or build the workspace")
        pytest.skip("no ferruler binary (FERRULER_BIN or target/*/ferruler)")
    rules_file = tmp_path / "citylots.rules.json"
    sets = json.loads((SHARED / "bench" / "citylots-rules.json").read_text())
    rules_file.write_text(json.dumps({f"{s}-{i}": p for s, ps in sets.items() for i, p in enumerate(ps)}))
    corpus, bad = _citylots(tmp_path)
    # The same archive, gzip-compressed, as `ferruler filter` reads it.
    archive = tmp_path / "city-corrupted.jsonl.gz"
    archive.write_bytes(gzip.compress(corpus.read_bytes()))
    filtered = subprocess.run(
        [binary, "filter", "--rules", str(rules_file), "--jobs", "2", str(archive)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert filtered.returncode == 2, filtered.stderr
    want = [json.loads(line) for line in filtered.stdout.splitlines()]
    reported = {}
    for report in filtered.stderr.splitlines():
        found = re.fullmatch(r".*:(\d+):(\d+): error: invalid event: (.*)", report)
        assert found, report
        reported[int(found.group(1))] = (int(found.group(2)), found.group(3))
    assert sorted(reported) == bad

    from pyspark.sql import functions as F

    df = spark.read.text(str(corpus)).withColumn("n", F.monotonically_increasing_id())
    assert df.rdd.getNumPartitions() >= 2
    out = match_rules(df, "value", str(rules_file)).orderBy("n").collect()
    assert len(out) == len(want) == 3000
    matched = 0
    for line, (row, expected) in enumerate(zip(out, want), start=1):
        assert row.rules == expected, line
        if line in reported:
            column, message = reported[line]
            # The same reason at the same place: the corpus is ASCII, so column = byte + 1.
            assert row.rules_error == f"invalid event: {message} at byte {column - 1}", line
        else:
            assert row.rules_error is None, line
            matched += len(row.rules)
    assert matched > 1000

    counts = rule_counts(df, "value", str(rules_file), sample=2).collect()
    assert [r.rule for r in counts] == list(load_rules(rules_file))
    want_counts: dict[str, int] = {}
    for names in want:
        for name in names or []:
            want_counts[name] = want_counts.get(name, 0) + 1
    assert {r.rule: r["count"] for r in counts} == {
        name: want_counts.get(name, 0) for name in load_rules(rules_file)
    }
    lines = corpus.read_text().splitlines()
    for r in counts:
        assert len(r.sample) == min(2, r["count"])
        for event in r.sample:
            assert event in lines
            assert r.rule in want[lines.index(event)]
