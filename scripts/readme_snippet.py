#!/usr/bin/env python3
"""Runs a code snippet of a README as a program and checks what it prints against the README.

The README's quick-start snippets are what a new user copies first, so scripts/test-docs.sh runs
them as they are written, taken from the README itself: editing the README in a way that breaks a
snippet, or changes what it prints, fails the test.

The snippet is the first fenced block of the given language after the given heading. What it must
print is written in it as comments, the way the README shows results to a reader:

* Python: `print(...)  # output` -- the comment is the line printed;
* JavaScript: `console.log(...) // output`, or the comment alone on the line after the call;
  and `expression` followed by a line `// => value`, which becomes an assertion that the
  expression deep-equals the value (order included).

For JavaScript, `--esm` turns `const { ... } = require('pkg')` into `import { ... } from 'pkg'`,
so that the same snippet also checks the package's ES-module entry point (and, given to tsc, its
types).

Usage: readme_snippet.py README LANG HEADING OUT_FILE [--esm] -- COMMAND...
Writes the program to OUT_FILE, runs COMMAND (which should run OUT_FILE) and compares its output.
"""

import re
import subprocess
import sys


def snippet(readme: str, lang: str, heading: str) -> str:
    """The first ```lang block after the line `heading`."""
    text = open(readme, encoding="utf-8").read()
    start = text.find("\n" + heading + "\n")
    if start < 0:
        sys.exit(f"{readme}: no heading {heading!r}")
    block = re.search(r"^```" + re.escape(lang) + r"\n(.*?)^```$", text[start:], re.M | re.S)
    if block is None:
        sys.exit(f"{readme}: no ```{lang} block after {heading!r}")
    return block.group(1)


def python_program(code: str) -> tuple[str, list[str]]:
    expected = [m.group(1) for m in re.finditer(r"^\s*print\(.*\)\s+# (.*)$", code, re.M)]
    return code, expected


def js_program(code: str, esm: bool) -> tuple[str, list[str]]:
    lines = code.splitlines()
    out: list[str] = []
    expected: list[str] = []
    for line in lines:
        arrow = re.match(r"^\s*// => (.*?)(\s{2,}\(.*\))?$", line)
        if arrow and out:
            # The statement before is the expression the README shows the value of.
            out[-1] = f"assertDeepEqual({out[-1].strip()}, {arrow.group(1)})"
            continue
        logged = re.match(r"^.*console\.log\(.*\)\s*// (.*)$", line)
        if logged:
            expected.append(logged.group(1))
        elif out and "console.log(" in out[-1] and re.match(r"^\s*// ", line):
            expected.append(line.strip()[3:])
        out.append(line)
    program = "\n".join(out) + "\n"
    if esm:
        program = re.sub(
            r"^const (\{[^}]*\}) = require\(('[^']+')\).*$", r"import \1 from \2", program, flags=re.M
        )
        header = "import { deepStrictEqual as assertDeepEqual } from 'node:assert'\n"
    else:
        header = "const { deepStrictEqual: assertDeepEqual } = require('node:assert')\n"
    return header + program, expected


def main() -> None:
    args = sys.argv[1:]
    split = args.index("--")
    options, command = args[:split], args[split + 1 :]
    esm = "--esm" in options
    readme, lang, heading, out_file = [a for a in options if a != "--esm"]
    code = snippet(readme, lang, heading)
    program, expected = python_program(code) if lang == "python" else js_program(code, esm)
    with open(out_file, "w", encoding="utf-8") as f:
        f.write(program)
    run = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if run.returncode != 0:
        sys.exit(f"{readme} ({lang} after {heading!r}): {' '.join(command)} exited {run.returncode}")
    printed = run.stdout.splitlines()
    if printed != expected:
        sys.exit(
            f"{readme} ({lang} after {heading!r}) printed\n  {printed}\nbut the README says\n  {expected}"
        )
    print(f"readme_snippet: {readme} ({lang}{', ESM' if esm else ''}): ran, printed what it says")


if __name__ == "__main__":
    main()
