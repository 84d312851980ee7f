"""The package's surface: the names it exports, their documentation, and their types."""

from __future__ import annotations

import doctest
import importlib.metadata
import inspect
import pydoc
import subprocess
import sys
import textwrap
from pathlib import Path

import ferruler

PUBLIC = [
    "Alternative",
    "Blocking",
    "Condition",
    "Conflict",
    "Explanation",
    "FilterCriteria",
    "InvalidEventError",
    "InvalidFilterError",
    "InvalidPatternError",
    "InvalidRecordError",
    "InvalidRuleFileError",
    "Limits",
    "Machine",
    "Rule",
    "Value",
    "check_pattern",
    "explain",
    "load_rules",
    "matches_rule",
    "pattern_complexity",
]
MACHINE_METHODS = [
    "add_rule",
    "delete_rule",
    "delete_rules",
    "matches_for_event",
    "matches_for_events",
    "complexity",
    "check_pattern",
    "limits",
    "rule_names",
    "stats",
    "__len__",
    "__contains__",
]


def test_exports() -> None:
    assert sorted(set(ferruler.__all__) - {"__version__"}) == PUBLIC
    assert ferruler.__version__ == importlib.metadata.version("ferruler")
    assert ferruler.Machine.__module__ == "ferruler"
    assert ferruler.Limits.__module__ == "ferruler"


def test_every_public_name_has_a_docstring() -> None:
    assert ferruler.__doc__ and "EventBridge" in ferruler.__doc__
    for name in PUBLIC:
        doc = getattr(ferruler, name).__doc__
        assert doc and len(doc.strip()) > 40, name
    for method in MACHINE_METHODS:
        doc = getattr(ferruler.Machine, method).__doc__
        assert doc and doc.strip(), method


def test_signatures_are_introspectable() -> None:
    assert str(inspect.signature(ferruler.Machine.add_rule)) == "(self, /, name, pattern)"
    assert str(inspect.signature(ferruler.Machine.matches_for_event)) == "(self, /, event)"
    assert str(inspect.signature(ferruler.matches_rule)) == "(event, pattern)"
    assert str(inspect.signature(ferruler.check_pattern)) == "(pattern)"


def test_help_on_machine_is_useful() -> None:
    text = pydoc.render_doc(ferruler.Machine, renderer=pydoc.plaintext)
    for expected in [
        "hashable",
        "releases the GIL",
        "add_rule(self, /, name, pattern)",
        "InvalidPatternError",
        "matches_for_event(self, /, event)",
        "InvalidEventError",
        "delete_rules(self, /, name)",
        "recognised by meaning",
        ">>> m = Machine()",
    ]:
        assert expected in text, expected


def test_docstring_examples_run() -> None:
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    tests = (
        finder.find(ferruler)
        + finder.find(ferruler.Machine, "Machine", globs={"Machine": ferruler.Machine})
        + finder.find(ferruler.Limits, "Limits", globs={"Limits": ferruler.Limits})
        + finder.find(ferruler.explain, "explain", globs={"explain": ferruler.explain})
    )
    for test in tests:
        runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.attempted >= 10
    assert results.failed == 0


def test_the_package_ships_its_types() -> None:
    package = Path(ferruler.__file__).parent
    assert (package / "py.typed").is_file()
    assert (package / "_ferruler.pyi").is_file()


def _mypy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], capture_output=True, text=True, check=False, timeout=300
    )


def test_stubs_match_the_runtime() -> None:
    # On 3.9 stubtest takes typing's names imported by the modules for types: see the allowlist.
    allowlist = Path(__file__).with_name("stubtest-allowlist-py39.txt")
    old_typing = ["--allowlist", str(allowlist)] if sys.version_info < (3, 10) else []
    result = _mypy("mypy.stubtest", "ferruler", *old_typing)
    assert result.returncode == 0, result.stdout + result.stderr


def test_typed_use_checks(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        textwrap.dedent(
            """
            import ferruler

            anything = ferruler.Machine()
            anything.add_rule(("a", 1), {"source": ["x"]})
            reveal_type(anything.matches_for_event(b"{}"))
            typed: ferruler.Machine[str] = ferruler.Machine()
            typed.add_rule("a", bytearray(b"{}"))
            names: list[str] = typed.matches_for_event(memoryview(b"{}"))
            typed.add_rule(1, "{}")
            ferruler.check_pattern(42)
            try:
                ferruler.check_pattern("{}")
            except ferruler.InvalidPatternError as e:
                reveal_type(e.column)
            reveal_type(typed.stats()["sub_rules"])
            limited = ferruler.Machine(limits=ferruler.Limits(max_pattern_bytes=8192))
            reveal_type(limited.limits.max_event_depth)
            """
        )
    )
    result = _mypy("mypy", "--strict", "--no-incremental", "--cache-dir=/dev/null", str(sample))
    # Older mypy versions spell builtin types "builtins.int".
    lines = [
        line.split(" ", 1)[1].replace("builtins.", "")
        for line in result.stdout.splitlines()
        if line.startswith(str(sample))
    ]
    check_pattern_error = 'error: Argument 1 to "check_pattern" has incompatible type "int"; expected '
    assert len(lines) == 6, result.stdout
    assert lines[0] == 'note: Revealed type is "list[typing.Hashable]"'
    assert lines[1] == (
        'error: Argument 1 to "add_rule" of "Machine" has incompatible type "int"; expected "str"  [arg-type]'
    )
    # The accepted types, spelled X | Y or Union[X, Y] depending on the Python version checked.
    assert lines[2].startswith(check_pattern_error)
    for accepted in ("str", "bytes", "bytearray", "memoryview[int]", "dict[str, Any]"):
        assert accepted in lines[2][len(check_pattern_error) :]
    assert lines[3:] == ['note: Revealed type is "int"'] * 3


def test_the_readme_quick_start_prints_what_it_says() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    code = readme.split("## Quick start", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    expected = [line.split("# ", 1)[1] for line in code.splitlines() if line.strip().startswith("print(")]
    printed: list[str] = []
    exec(compile(code, "README.md", "exec"), {"print": lambda *a: printed.append(" ".join(map(str, a)))})
    assert printed == expected
    assert len(expected) == 2


def test_the_benchmark_hook_times_the_engine() -> None:
    # Machine._core_seconds_per_match serves bench/bench.py; it must time real matching.
    m = ferruler.Machine()
    m.add_rule("r", {"k": ["v"]})
    seconds = m._core_seconds_per_match([b'{"k": "v"}', '{"k": "w"}'], 1000)
    assert 0 < seconds < 1e-3
    try:
        m._core_seconds_per_match([b'{"k": '], 1)
    except ferruler.InvalidEventError as e:
        assert e.offset == 6
    else:
        raise AssertionError("a bad event was timed")
