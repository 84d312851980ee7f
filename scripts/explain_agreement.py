#!/usr/bin/env python3
"""Checks that the Python and Node bindings explain exactly as the CLI does, on the whole corpus.

The CLI and both bindings print explanations with one renderer (bindings/common/src/explain); this
checks that nothing in between (colours, the bindings' str()/String(), how each reads its input)
makes them differ: every case of the conformance corpus with a valid pattern and event is
explained three ways and compared: `ferruler explain`
(the CLI installed by scripts/test-docs.sh), `str(ferruler.explain(...))` in the Python that runs
this script, and `String(explain(...))` in Node, from the npm project given.

Usage: explain_agreement.py CLI NODE_PROJECT_DIR   (run with the Python of a venv holding ferruler)
The corpus is ../shared/conformance/cases.jsonl beside the repository, or $FERRULER_CASES.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import ferruler

NODE_EXPLAIN = """
const { explain } = require('ferruler')
const cases = JSON.parse(require('node:fs').readFileSync(0, 'utf8'))
process.stdout.write(JSON.stringify(cases.map(([pattern, event]) => String(explain(pattern, event)))))
"""


def main() -> None:
    cli, project = sys.argv[1], sys.argv[2]
    repo = Path(__file__).resolve().parents[1]
    corpus = Path(os.environ.get("FERRULER_CASES", repo.parent / "shared" / "conformance" / "cases.jsonl"))
    cases = []
    for line in corpus.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        pattern, event = json.dumps(case["pattern"]), json.dumps(case["event"])
        try:
            python = str(ferruler.explain(pattern, event))
        except ValueError:  # an invalid pattern or event: nothing to explain
            continue
        cases.append((case["name"], pattern, event, python))
    node = subprocess.run(
        ["node", "-e", NODE_EXPLAIN],
        input=json.dumps([[p, e] for _, p, e, _ in cases]),
        capture_output=True,
        text=True,
        cwd=project,
        check=True,
    )
    node_texts = json.loads(node.stdout)
    assert len(node_texts) == len(cases), "node explained a different number of cases"
    differences = []
    for (name, pattern, event, python), node_text in zip(cases, node_texts):
        run = subprocess.run(
            [cli, "explain", "--event-pattern", pattern, "--event", event],
            capture_output=True,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        if run.returncode not in (0, 1):
            differences.append(f"{name}: the CLI failed: {run.stderr.strip()}")
        elif not run.stdout == python == node_text:
            differences.append(f"{name}:\n--- CLI\n{run.stdout}--- Python\n{python}--- Node\n{node_text}")
    if differences:
        sys.exit(f"explain_agreement: {len(differences)} of {len(cases)} cases differ\n" + "\n".join(differences[:5]))
    print(f"explain_agreement: the CLI, Python and Node explain all {len(cases)} valid corpus cases alike")


if __name__ == "__main__":
    main()
