#!/usr/bin/python3
"""Runs README.md's h5py + pandas example on a small sweep, so the example cannot rot.

Makes a results folder with build/bin/depth_sweep (LW_BIN_DIR), substitutes its path for
"results/quick" in the example's first ```python block, runs it and checks what it printed.
"""
import os
import pathlib
import re
import subprocess
import sys
import tempfile

root = pathlib.Path(__file__).resolve().parents[2]
bin_dir = pathlib.Path(os.environ.get("LW_BIN_DIR", root / "build" / "bin"))
readme = (root / "README.md").read_text()
match = re.search(r"```python\n(.*?)```", readme, re.S)
if not match:
    print("0 passed, 1 failed: README.md has no ```python example")
    sys.exit(1)
example = match.group(1)

with tempfile.TemporaryDirectory() as tmp:
    subprocess.run([str(bin_dir / "depth_sweep"), "--results", tmp, "--experiment", "quick",
                    "--depths", "1,2", "--inits", "uniform,xavier", "--seeds", "1-2",
                    "--width", "16", "--data.source", "bars_stripes", "--data.n_examples", "300",
                    "--finetune.epochs", "2", "--log.every", "2", "--threads", "1"],
                   check=True, stdout=subprocess.DEVNULL)
    code = example.replace("results/quick", os.path.join(tmp, "quick"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

failures = []
if out.returncode != 0:
    failures.append("the example failed:\n" + out.stderr)
else:
    for expected in ("uniform", "xavier", "mean", "std", "count"):
        if expected not in out.stdout:
            failures.append(f"'{expected}' missing from the example's output:\n{out.stdout}")
print(out.stdout)
for f in failures:
    print("FAIL:", f)
print(f"{1 - bool(failures)} passed, {int(bool(failures))} failed")
sys.exit(1 if failures else 0)
