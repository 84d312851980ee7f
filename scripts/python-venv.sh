# Sourced by the scripts that run the Python package in a virtualenv (test-python.sh,
# test-spark.sh, bench-python.sh).
#
# Expects `venv`, `requirements` (a pip requirements file) and a `name` for messages; makes the
# venv when it is missing or half-made (no pip, after an interrupted run), activates it as
# `activate` would (maturin's build backend runs the venv's `maturin` from PATH), sets `py` to its
# interpreter, and installs the requirements. Needs python3 with venv (or $PYTHON).
if ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    echo "$name: creating $venv"
    rm -rf "$venv"
    "${PYTHON:-python3}" -m venv "$venv"
fi
py="$venv/bin/python"
export VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
"$py" -m pip install --quiet -r "$requirements"
