"""Match archived events on Apache Spark: a column of event JSON against EventBridge patterns.

Install with ``pip install "ferruler[spark]"`` (pyspark is an optional dependency; the executors
need the ``ferruler`` wheel too, see the Spark section of the README).

Example (``df`` a DataFrame with a string column ``body`` of event JSON)::

    from ferruler.spark import match_rules, rule_counts

    out = match_rules(df, "body", {"big": {"detail": {"total": [{"numeric": [">", 100]}]}}})
    out.select("body", "rules", "rules_error").show()
    rule_counts(df, "body", "rules/", sample=3).show()
    match_rules(df, "body", "template.yaml")  # the rules of a CloudFormation/SAM template

Names:
    match_rules: the DataFrame with an ``array<string>`` column of the rules each event matches
        (and a string column saying why an event could not be read).
    rule_counts: per rule, how many events it matches and a sample of them.
    load_rules: the ``{name: pattern JSON text}`` mapping that ``rules`` arguments are read into.
    match_array: the same on one pyarrow array, without Spark.

How it works, and why:

* **Arrow batches, no per-row Python objects.** ``match_rules`` is a ``mapInArrow``: each Arrow
  record batch's event column goes to the native extension through the Arrow C data interface
  (``__arrow_c_array__``), is matched on every core of the worker by the engine's batch matcher,
  and comes back as flat buffers (list offsets, rule numbers, error strings) from which pyarrow
  builds the result columns (``Array.from_buffers`` and one ``take`` over the rule names). A Python
  UDF would instead make a ``str`` per event and a ``list`` per result, which costs more than the
  matching itself (``scripts/bench-spark.sh`` measures both).
* **Compiled once per Python worker.** The rules travel as text (a tuple of ``(name, pattern
  JSON)`` pairs in the function's closure; PySpark broadcasts a closure over 1 MB by itself) and
  are compiled on first use in each worker process, then kept in a module-level cache keyed by the
  SHA-256 of that text, so later batches and tasks on a reused worker (Spark reuses Python workers
  by default) do not compile again.
* **Invalid events do not fail the job.** An event that is not valid JSON (or too large or deep
  for the engine's limits) gets a null rule list and, in the error column, the reason as
  ``str(ferruler.InvalidEventError)`` words it: ``invalid event: <reason> at byte <offset>``
  (``ferruler filter`` reports the same reason at the same place, as ``line:column``). A null
  event gives a null list and a null error. ``on_error="raise"`` fails the task instead.
* **Rules are read on the driver**, from a mapping, or from a file or folder as the ``ferruler``
  CLI reads it: ``{name: pattern}`` JSON files, folders of pattern files, CloudFormation/SAM/CDK
  templates, Serverless Framework services and Terraform modules (see :func:`load_rules`). Paths
  are read by the CLI's own readers (``ferruler.load_rules``, native code shared with the CLI), so
  Spark finds the rules ``ferruler filter --rules`` finds, under the same names. Every pattern is
  checked there, so a bad rule fails before any task runs, naming the rule (and, in a file, its
  line). The executors receive the patterns' text only.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from typing import Any, Callable, Dict, Iterable, Iterator, Mapping, Optional, Tuple, Union

from ._errors import InvalidEventError, InvalidPatternError
from ._ferruler import _ArrowMatcher, check_pattern
from ._rules import load_rules as _read_rules

# pyspark and pyarrow are optional and untyped (no py.typed), so their types are not named here:
# importing them for annotations would make the package fail type checks where they are absent.
DataFrame = Any

__all__ = ["load_rules", "match_array", "match_rules", "rule_counts"]

Pattern = Union[str, bytes, Mapping[str, Any]]
Rules = Union[Mapping[str, Pattern], str, "os.PathLike[str]"]

_ON_ERROR = ("null", "raise")


def load_rules(rules: Rules, *, params: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """The rules as ``{name: pattern JSON text}``, every pattern checked.

    ``rules`` is one of:

    * a mapping from rule name (``str``) to pattern (a dict, or JSON text as ``str``/``bytes``);
    * the path of a file or folder of rules, read as ``ferruler filter --rules`` reads it (by
      :func:`ferruler.load_rules`): a ``{name: pattern}`` JSON file, a CloudFormation, SAM or CDK
      template (YAML or JSON), a Serverless Framework ``serverless.yml``, a Terraform folder (or
      one of its ``.tf`` files) or ``terraform show -json`` output, or a folder of any of these and
      of pattern files (``NAME.json``, the rule ``NAME``).

    ``params`` gives a template's values known only when deployed (the CLI's ``--param
    NAME=VALUE``); to use them with :func:`match_rules`, pass it the mapping returned here. A rule
    that needs a value only a deployment knows raises; to leave such rules out, build the mapping
    from ``ferruler.load_rules(path, skip_unresolved=True)``. The EventBridge rules of a file are
    kept; Lambda and Pipes filter criteria in a template match their sources' records, not
    EventBridge events, and are left out.

    Raises ``InvalidPatternError`` naming the rule for an invalid pattern in a mapping,
    ``InvalidRuleFileError`` (a ``ValueError``) with the CLI's ``FILE:LINE:COLUMN`` message for a
    file that cannot be read or holds an invalid rule, ``ValueError`` when there are no rules, and
    ``TypeError`` for anything else.
    """
    if isinstance(rules, Mapping):
        loaded = {}
        for name, pattern in rules.items():
            if not isinstance(name, str):
                raise TypeError(f"rule names must be str, not {type(name).__name__} ({name!r})")
            loaded[name] = _pattern_text(name, pattern)
        for name, text in loaded.items():
            try:
                check_pattern(text)
            except InvalidPatternError as e:
                raise InvalidPatternError(f"rule {name!r}: {e.message}", e.line, e.column, e.offset) from e
    elif isinstance(rules, (str, os.PathLike)):
        found = _read_rules(rules, params=params)
        loaded = {rule.name: rule.pattern for rule in found if rule.dialect == "eventbridge"}
        if found and not loaded:
            raise ValueError(
                f"{os.fspath(rules)}: only Lambda or Pipes filter criteria, which match their sources' records, "
                "not EventBridge events"
            )
    else:
        raise TypeError(
            f"rules must be a {{name: pattern}} mapping or the path of a rules file or folder, not {type(rules).__name__}"
        )
    if not loaded:
        raise ValueError("no rules given")
    return loaded


def match_rules(
    df: DataFrame,
    column: str,
    rules: Rules,
    *,
    output: str = "rules",
    error_column: str | None = None,
    on_error: str = "null",
) -> DataFrame:
    """``df`` with a column ``output`` (``array<string>``) of the rules each event matches.

    ``column`` names a ``string`` or ``binary`` column holding each event's JSON text. ``rules``
    is what :func:`load_rules` takes, read and checked here, on the driver. The rule names of an
    event are in the order the rules were given (a folder's in file order). Each invalid event
    gets a null list and, in ``error_column`` (``string``; by default ``output + "_error"``), the
    reason; valid and null events have a null error. ``on_error="raise"`` fails the task at the
    first invalid event instead (no error column is added then).
    """
    from pyspark.sql.types import ArrayType, BinaryType, StringType, StructField, StructType  # type: ignore[import-untyped, import-not-found, unused-ignore]

    if on_error not in _ON_ERROR:
        raise ValueError(f"on_error must be one of {_ON_ERROR}, not {on_error!r}")
    names = set(df.columns)
    if column not in names:
        raise ValueError(f"no column {column!r} in the DataFrame (columns: {', '.join(df.columns)})")
    kind = df.schema[column].dataType
    if not isinstance(kind, (StringType, BinaryType)):
        raise TypeError(f"column {column!r} must be string or binary, not {kind.simpleString()}")
    error_column = None if on_error == "raise" else (error_column or f"{output}_error")
    for added in (output, error_column):
        if added is not None and added in names:
            raise ValueError(
                f"the DataFrame already has a column {added!r}; choose another with output= or error_column="
            )
    if error_column == output:
        raise ValueError("output and error_column must differ")
    loaded = load_rules(rules)
    fields = list(df.schema.fields) + [StructField(output, ArrayType(StringType(), containsNull=False), True)]
    if error_column is not None:
        fields.append(StructField(error_column, StringType(), True))
    return df.mapInArrow(
        _batches_matcher(tuple(loaded.items()), column, output, error_column), StructType(fields)
    )


def rule_counts(df: DataFrame, column: str, rules: Rules, *, sample: int = 0, seed: int = 0) -> DataFrame:
    """A small DataFrame: for each rule (``rule``, in the order given), how many events of
    ``df[column]`` it matches (``count``), and with ``sample`` > 0 up to that many of them as JSON
    text (``sample``, ``array<string>``, chosen at random with ``seed``).

    Computed with Spark's aggregation (explode, group by rule) over :func:`match_rules`' column;
    only the counts and samples reach the driver when the result is collected. Rules that match
    nothing are listed with count 0. Invalid events match no rule and are not counted here;
    ``match_rules(...).where("rules_error IS NOT NULL").count()`` counts them.
    """
    from pyspark.sql import Window  # type: ignore[import-untyped, import-not-found, unused-ignore]
    from pyspark.sql import functions as F  # type: ignore[import-untyped, import-not-found, unused-ignore]
    from pyspark.sql.types import LongType, StringType, StructField, StructType  # type: ignore[import-untyped, import-not-found, unused-ignore]

    if not isinstance(sample, int) or sample < 0:
        raise ValueError(f"sample must be a non-negative int, not {sample!r}")
    loaded = load_rules(rules)
    tmp_rules, tmp_error, tmp_event = "__ferruler_rules", "__ferruler_error", "__ferruler_event"
    matched = match_rules(
        df.select(F.col(column).alias(tmp_event)), tmp_event, loaded, output=tmp_rules, error_column=tmp_error
    )
    hits = matched.select(F.explode(tmp_rules).alias("rule"), F.col(tmp_event).cast("string").alias("event"))
    counts = hits.groupBy("rule").agg(F.count(F.lit(1)).alias("count"))
    if sample > 0:
        ranked = hits.withColumn(
            "__n", F.row_number().over(Window.partitionBy("rule").orderBy(F.rand(seed)))
        ).where(F.col("__n") <= sample)
        samples = ranked.groupBy("rule").agg(F.collect_list("event").alias("sample"))
        counts = counts.join(samples, "rule", "left")
    spark = df.sparkSession
    order = spark.createDataFrame(
        [(name, i) for i, name in enumerate(loaded)],
        StructType([StructField("rule", StringType(), False), StructField("__order", LongType(), False)]),
    )
    result = order.join(counts, "rule", "left").withColumn("count", F.coalesce(F.col("count"), F.lit(0)))
    if sample > 0:
        result = result.withColumn("sample", F.coalesce(F.col("sample"), F.array().cast("array<string>")))
    return result.orderBy("__order").drop("__order")


# The worker side ---------------------------------------------------------------------------------

_CACHE: Dict[str, Tuple[_ArrowMatcher, Any]] = {}
_CACHE_LOCK = threading.Lock()


def _batches_matcher(
    rules: Tuple[Tuple[str, str], ...], column: str, output: str, error_column: str | None
) -> Callable[[Iterable[Any]], Iterator[Any]]:
    """The function ``mapInArrow`` runs on the workers; it closes over the rules' text only."""

    def match_batches(batches: Iterable[Any]) -> Iterator[Any]:
        return _match_batches(batches, rules, column, output, error_column)

    return match_batches


def _matcher(rules: Tuple[Tuple[str, str], ...]) -> Tuple[_ArrowMatcher, Any]:
    """The compiled rules and their names as an Arrow array, made once per process."""
    import pyarrow as pa  # type: ignore[import-untyped, import-not-found, unused-ignore]

    key = hashlib.sha256(json.dumps(rules).encode()).hexdigest()
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is None:
            found = (
                _ArrowMatcher([text for _, text in rules]),
                pa.array([name for name, _ in rules], pa.string()),
            )
            _CACHE[key] = found
    return found


def _match_batches(
    batches: Iterable[Any],
    rules: Tuple[Tuple[str, str], ...],
    column: str,
    output: str,
    error_column: str | None,
) -> Iterator[Any]:
    import pyarrow as pa  # type: ignore[import-untyped, import-not-found, unused-ignore]
    import pyarrow.compute as pc  # type: ignore[import-untyped, import-not-found, unused-ignore]

    matcher, names = _matcher(rules)
    for batch in batches:
        matched, errors = _match_array(matcher, names, batch.column(column))
        if error_column is None:
            if errors.null_count != len(errors):
                first = pc.index(errors.is_valid(), True).as_py()
                raise _event_error(errors[first].as_py())
            arrays, fields = batch.columns + [matched], list(batch.schema) + [pa.field(output, matched.type)]
        else:
            arrays = batch.columns + [matched, errors]
            fields = list(batch.schema) + [
                pa.field(output, matched.type),
                pa.field(error_column, pa.string()),
            ]
        yield pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields))


def _event_error(text: str) -> InvalidEventError:
    """The InvalidEventError whose str() is ``text`` (an error column's value)."""
    found = re.fullmatch(r"invalid event: (.*) at byte (\d+)", text, re.DOTALL)
    if found is None:  # pragma: no cover - every message has this form
        return InvalidEventError(text, 0)
    return InvalidEventError(found.group(1), int(found.group(2)))


def match_array(events: Any, rules: Rules) -> Tuple[Any, Any]:
    """What :func:`match_rules` computes, on one pyarrow array (or chunked array) of event JSON,
    without Spark: the ``list<string>`` array of the rules each event matches and the ``string``
    array of errors. ``events`` is ``string``, ``binary``, their ``large_`` or ``_view`` forms;
    ``rules`` is what :func:`load_rules` takes (compiled once per distinct rule text, then cached).
    """
    matcher, names = _matcher(tuple(load_rules(rules).items()))
    return _match_array(matcher, names, events)


def _match_array(matcher: _ArrowMatcher, names: Any, events: Any) -> Tuple[Any, Any]:
    import pyarrow as pa  # type: ignore[import-untyped, import-not-found, unused-ignore]
    import pyarrow.compute as pc  # type: ignore[import-untyped, import-not-found, unused-ignore]

    if isinstance(events, pa.ChunkedArray):
        events = events.combine_chunks()
    if pa.types.is_string_view(events.type) or pa.types.is_binary_view(events.type):
        events = events.cast(pa.string() if pa.types.is_string_view(events.type) else pa.binary())
    if not hasattr(events, "__arrow_c_array__"):
        raise ImportError(
            f"ferruler.spark needs pyarrow 14 or later (the PyCapsule interface), not {pa.__version__}"
        )
    n = len(events)
    schema, array = events.__arrow_c_array__()
    list_valid, offsets, rule_numbers, error_valid, error_offsets, error_data = matcher.match_column(
        schema, array
    )
    indices = pa.Array.from_buffers(pa.uint32(), len(rule_numbers) // 4, [None, pa.py_buffer(rule_numbers)])
    values = pc.take(names, indices)
    validity = None if list_valid is None else pa.py_buffer(list_valid)
    matched = pa.Array.from_buffers(
        pa.list_(pa.field("item", pa.string(), nullable=False)),
        n,
        [validity, pa.py_buffer(offsets)],
        children=[values],
    )
    if error_valid is None:
        errors = pa.nulls(n, pa.string())
    else:
        errors = pa.Array.from_buffers(
            pa.string(), n, [pa.py_buffer(error_valid), pa.py_buffer(error_offsets), pa.py_buffer(error_data)]
        )
    return matched, errors


def _pattern_text(name: str, pattern: Pattern) -> str:
    if isinstance(pattern, str):
        return pattern
    if isinstance(pattern, (bytes, bytearray)):
        return bytes(pattern).decode("utf-8")
    if isinstance(pattern, Mapping):
        return json.dumps(pattern, ensure_ascii=False, separators=(",", ":"))
    raise TypeError(f"rule {name!r}: a pattern must be a dict or JSON text, not {type(pattern).__name__}")
