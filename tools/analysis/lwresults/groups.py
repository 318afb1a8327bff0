"""lwresults.groups: test error over seeds per group of runs (summary's and plot's table).

A group is [experiment x] arm x depth [x activation x width]; its seeds are its complete runs.
Every run file is one row: runs are never merged (one run has one run id).
"""
import math

import numpy as np
import pandas as pd

from .errors import ToolError
from .tables import run_table


def group_keys(table):
    """[experiment,] arm, depth, plus activation and width: experiment when the table holds more
    than one, activation and width when they take more than one value."""
    keys = ["arm", "depth"]
    if "experiment" in table and table["experiment"].nunique(dropna=False) > 1:
        keys.insert(0, "experiment")
    for k in ("activation", "width"):
        if table[k].nunique(dropna=True) > 1:
            keys.append(k)
    return keys


def complete_mask(table):
    """True for the rows of a run_table() that count as complete runs: status complete and a final
    .h5 (a .partial whose status says complete is an unfinished copy, not a result)."""
    return (table["status"] == "complete") & ~table["file"].astype(str).str.endswith(".partial")


def group_summary(runs_or_table):
    """Per [experiment x] arm x depth (x activation x width if they vary; experiment if there is
    more than one): n_seeds (complete runs, complete_mask()), test error mean and sample sd (ddof 1;
    NaN for one seed or none), as fractions, and the runs that are not complete
    (`not_complete`: "run_id (status)", ...; a complete .partial shows as "complete but .partial")
    and the seeds missing from the group (`missing_seeds`: seeds present in some group of the same
    experiment but absent here). Every run file counts: two files of one run id (see read_runs())
    are two rows. Files with no known arm/depth (unreadable, run id not parseable) are in no
    group; list them from run_table()."""
    t = runs_or_table if isinstance(runs_or_table, pd.DataFrame) else run_table(runs_or_table)
    t = t.copy()
    t["_ok"] = complete_mask(t)
    t.loc[(t["status"] == "complete") & ~t["_ok"], "status"] = "complete but .partial"
    t = t.sort_values(["run_id", "file"])
    known = t.dropna(subset=["arm", "depth"])
    keys = group_keys(known) if len(known) else ["arm", "depth"]
    exp_key = known["experiment"].astype(object).where(known["experiment"].notna(), "")
    seeds_of = {e: sorted(int(s) for s in known.loc[exp_key == e, "seed"].dropna().unique())
                for e in exp_key.unique()}
    rows = []
    for key, g in known.groupby(keys, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        done = g[g["_ok"]]
        errs = done["test_error"].astype(float).to_numpy()
        n = len(errs)
        row = dict(zip(keys, key))
        row["n_seeds"] = n
        row["test_error_mean"] = float(np.mean(errs)) if n else math.nan
        row["test_error_sd"] = float(np.std(errs, ddof=1)) if n > 1 else math.nan  # one value: undefined
        bad = g[~g["_ok"]]
        row["n_not_complete"] = len(bad)
        row["not_complete"] = ", ".join(f"{a} ({b})" for a, b in zip(bad["run_id"], bad["status"]))
        present = set(int(s) for s in g["seed"].dropna())
        all_seeds = sorted(set().union(*(seeds_of.get(e, []) for e in exp_key[g.index].unique())))
        row["missing_seeds"] = ",".join(str(s) for s in all_seeds if s not in present)
        rows.append(row)
    cols = keys + ["n_seeds", "test_error_mean", "test_error_sd", "n_not_complete", "not_complete",
                   "missing_seeds"]
    return pd.DataFrame(rows, columns=cols)


# /config keys that do not decide a run's numbers, or that name the run within its grid: runs that
# differ only in these are runs of one configuration (e.g. shards of one sweep in two folders).
# The same list as run_hash's exclusions (lib/experiment/run.cpp).
NOT_DECISIVE = {"results", "experiment", "threads", "overwrite", "shard", "depths", "inits", "seeds",
                "activations", "width", "run_hash", "config_hash"}


def check_one_config(runs):
    """Raises ToolError when two complete runs of one experiment that a table would average (same
    arm, depth, activation, width) were made with different options (/config, apart from
    NOT_DECISIVE keys and run.*; a key only one file has, from another version, is not compared),
    naming the option, both values and both files: such runs must be summarised apart."""
    first = {}  # (experiment, arm, depth, activation, width) -> (run, decisive config)
    for r in runs:
        if r["status"] != "complete":
            continue
        spec = r["spec"]
        key = (r["experiment"], spec.get("arm"), spec.get("depth"), spec.get("activation"), spec.get("width"))
        conf = {k: v for k, v in r["config"].items() if k not in NOT_DECISIVE and not k.startswith("run.")}
        if key not in first:
            first[key] = (r, conf)
            continue
        other, other_conf = first[key]
        for k in sorted(set(conf) & set(other_conf)):
            a, b = conf[k], other_conf[k]
            same = bool(np.all(a == b)) if hasattr(a, "__len__") and not isinstance(a, str) else a == b
            if not same:
                raise ToolError(
                    f"runs of experiment {r['experiment']}, {spec.get('arm')} depth {spec.get('depth')} were made "
                    f"with different options: {k} = {b!r} in {other['file']} but {a!r} in {r['file']}; "
                    f"summarise the folders separately")


def experiments_of(runs_or_table):
    """Sorted experiment names (None for runs without one) of the readable runs."""
    if isinstance(runs_or_table, pd.DataFrame):
        vals = runs_or_table.loc[runs_or_table["status"] != "unreadable", "experiment"]
    else:
        vals = [r["experiment"] for r in runs_or_table if r["status"] != "unreadable"]
    return sorted({v if isinstance(v, str) and v else None for v in vals}, key=lambda v: (v is None, v or ""))


def experiment_name(runs):
    """The experiment names of runs (read_run() dicts), comma-separated, for titles."""
    names = sorted({r["experiment"] for r in runs if r.get("experiment")})
    return ", ".join(names) if names else "unknown experiment"
