#!/usr/bin/python3
"""Runs README.md's h5py + pandas example on a small sweep, so the example cannot rot.

Makes a results folder with build/bin/depth_sweep (LW_BIN_DIR), substitutes its path for
"results/quick" in the example's first ```python block, runs it (with PYTHONPATH=tools/analysis,
so an example may `import lwresults`) and checks what it printed. When README shows the summary
command on results/quick (spelled tools/analysis/summary or tools/summary), that runs on the
folder too and must print a row per arm.
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
    env = dict(os.environ, PYTHONPATH=str(root / "tools" / "analysis"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    summary = None
    if re.search(r"\btools/(?:analysis/)?summary\b[^\n`]*results/quick", readme):
        summary = subprocess.run([sys.executable, str(root / "tools" / "analysis" / "summary"),
                                  os.path.join(tmp, "quick")], capture_output=True, text=True)

checks, failures = 1, []
if out.returncode != 0:
    failures.append("the example failed:\n" + out.stderr)
else:
    for expected in ("uniform", "xavier", "mean", "std", "count"):
        if expected not in out.stdout:
            failures.append(f"'{expected}' missing from the example's output:\n{out.stdout}")
print(out.stdout)
if summary is not None:
    checks += 1
    print(summary.stdout)
    if summary.returncode != 0:
        failures.append(f"tools/analysis/summary failed ({summary.returncode}):\n{summary.stderr}")
    elif not all(f"| {arm} |" in summary.stdout for arm in ("uniform", "xavier")):
        failures.append(f"tools/analysis/summary printed no row per arm:\n{summary.stdout}")
else:
    print("note: README shows no summary command on results/quick; only the example was run")
for f in failures:
    print("FAIL:", f)
failed = min(len(failures), checks)
print(f"{checks - failed} passed, {failed} failed")
sys.exit(1 if failures else 0)
