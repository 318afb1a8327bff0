"""lwresults.groups: test error over seeds per group of runs (summary's and plot's table), and
model selection over the searched axes.

A group is [experiment x] arm x depth [x activation x width] x the compared axes' values; within
it, each setting of the searched axes (axes.py) is a row; its seeds are its complete runs. Every
run file is one row of the run table: runs are never merged (one run has one run id).

Model selection (select="valid_error"; the rule of depth_sweep's own table, lib/experiment/
summary.hpp): in each group the selected setting is the one with the lowest mean best_valid_error
over its complete runs, among the settings none of whose runs diverged, failed or was interrupted;
only when every setting has such a run do those compete. A setting with no complete run is never
selected. Ties go to the setting listed first: the order of the values in the grid./search. lists,
earlier axes (in key order) varying slowest. The test error never influences the choice. Runs
still running (and a .partial whose status says complete) are no outcome yet: they neither count
as seeds nor exclude their setting. n_settings: the settings of the group with an outcome.
"""
import math

import numpy as np
import pandas as pd

from .axes import axes_of, axis_rank, axis_values
from .errors import ToolError
from .tables import run_table

SELECT_CRITERIA = ("valid_error",)
FAILED = ("diverged", "failed", "interrupted")  # outcomes that are not complete


def _axes_of_table(table, axes):
    axes = table.attrs.get("axes", {}) if axes is None else axes
    return {k: a for k, a in axes.items() if k in table.columns}


def group_keys(table, axes=None):
    """[experiment,] arm, depth, plus activation and width and each compared axis (axes, default
    table.attrs["axes"]): experiment when the table holds more than one, the others when they
    take more than one value."""
    keys = ["arm", "depth"]
    if "experiment" in table and table["experiment"].nunique(dropna=False) > 1:
        keys.insert(0, "experiment")
    for k in ("activation", "width"):
        if table[k].nunique(dropna=True) > 1:
            keys.append(k)
    for k, a in _axes_of_table(table, axes).items():
        if a["kind"] == "compared" and table[k].nunique(dropna=True) > 1:
            keys.append(k)
    return keys


def searched_keys(table, axes=None):
    """The searched axes' keys (key order) that the table has a column for."""
    return [k for k, a in _axes_of_table(table, axes).items() if a["kind"] == "searched"]


def complete_mask(table):
    """True for the rows of a run_table() that count as complete runs: status complete and a final
    .h5 (a .partial whose status says complete is an unfinished copy, not a result)."""
    return (table["status"] == "complete") & ~table["file"].astype(str).str.endswith(".partial")


def _settings(runs_or_table, axes):
    """The run table (known arm and depth), its group and setting columns, and one row per
    setting: its statistics and, per group, which setting is selected."""
    t = runs_or_table if isinstance(runs_or_table, pd.DataFrame) else run_table(runs_or_table, axes)
    axes = _axes_of_table(t, axes)
    t = t.copy()
    t["_ok"] = complete_mask(t)
    t.loc[(t["status"] == "complete") & ~t["_ok"], "status"] = "complete but .partial"
    t = t.sort_values(["run_id", "file"])
    known = t.dropna(subset=["arm", "depth"]).copy()
    keys = group_keys(known, axes) if len(known) else ["arm", "depth"]
    searched = searched_keys(known, axes)
    # every axis column as its rank on the axis (listed order; -1: not the run's axis), so groups
    # sort, and ties break, in the listed order; NaN never drops a row from a groupby
    rank_of = {k: f"_rank {k}" for k in axes}
    for k, a in axes.items():
        known[rank_of[k]] = axis_rank(known[k].tolist(), a)
    gcols = [rank_of.get(k, k) for k in keys]
    scols = gcols + [rank_of[k] for k in searched]
    exp_key = known["experiment"].astype(object).where(known["experiment"].notna(), "")
    seeds_of = {e: sorted(int(s) for s in known.loc[exp_key == e, "seed"].dropna().unique())
                for e in exp_key.unique()}
    rows = []
    for _, g in known.groupby(scols, sort=True, dropna=False):
        first = g.iloc[0]
        done = g[g["_ok"]]
        errs = done["test_error"].astype(float).to_numpy()
        valid = done["best_valid_error"].astype(float).to_numpy()
        n = len(errs)
        row = {k: first[k] for k in keys + searched}
        row["n_seeds"] = n
        row["test_error_mean"] = float(np.mean(errs)) if n else math.nan
        row["test_error_sd"] = float(np.std(errs, ddof=1)) if n > 1 else math.nan  # one value: undefined
        row["valid_error_mean"] = float(np.mean(valid)) if n else math.nan
        bad = g[~g["_ok"]]
        row["n_not_complete"] = len(bad)
        row["not_complete"] = ", ".join(f"{a} ({b})" for a, b in zip(bad["run_id"], bad["status"]))
        present = set(int(s) for s in g["seed"].dropna())
        all_seeds = sorted(set().union(*(seeds_of.get(e, []) for e in exp_key[g.index].unique())))
        row["missing_seeds"] = ",".join(str(s) for s in all_seeds if s not in present)
        n_failed = int(g["status"].isin(FAILED).sum())
        row["_outcome"] = n + n_failed > 0
        row["_rank"] = (n_failed > 0 or n == 0,
                        row["valid_error_mean"] if np.isfinite(row["valid_error_mean"]) else math.inf,
                        tuple(int(first[rank_of[k]]) for k in searched))
        row["_group"] = tuple(first[c] for c in gcols)
        row["_files"] = list(g["file"])
        rows.append(row)
    settings = pd.DataFrame(rows, columns=keys + searched + [
        "n_seeds", "test_error_mean", "test_error_sd", "valid_error_mean", "n_not_complete",
        "not_complete", "missing_seeds", "_outcome", "_rank", "_group", "_files"])
    settings["n_settings"] = 0
    settings["selected"] = False
    for _, idx in settings.groupby("_group", sort=False).groups.items():
        tried = [i for i in idx if settings.at[i, "_outcome"]]
        settings.loc[idx, "n_settings"] = len(tried)
        if tried:
            best = min(tried, key=lambda i: settings.at[i, "_rank"])
            settings.at[best, "selected"] = bool(settings.at[best, "n_seeds"] > 0)
    for k in keys + searched:  # the run table's types (Int64 stays integer beside empty cells)
        if k in known.columns:
            settings[k] = settings[k].astype(known[k].dtype) if len(settings) else settings[k]
    return known, keys, searched, settings


def group_summary(runs_or_table, select=None, axes=None):
    """The test error table. Every row's test error mean and sample sd (ddof 1; NaN for one seed
    or none) are over its complete runs (complete_mask(); fractions); n_not_complete and
    not_complete list its other runs ("run_id (status)", ...; a complete .partial shows as
    "complete but .partial"), missing_seeds the seeds present in some group of the same experiment
    but absent here. Every run file counts: two files of one run id (see read_runs()) are two
    rows. Files with no known arm/depth (unreadable, run id not parseable) are in no group; list
    them from run_table(). axes: the sweep's axes (default the table's attrs["axes"], or
    axes_of(runs)).

    select=None: one row per group x setting of the searched axes: the group_keys() columns, one
    column per searched axis, n_seeds, test_error_mean, test_error_sd, then, when there are
    searched axes, valid_error_mean (mean best_valid_error), n_settings and selected (the group's
    chosen setting, see the module docstring), then n_not_complete, not_complete, missing_seeds.
    Without axes these are the columns of schema 2 folders: [experiment,] arm, depth [,activation,
    width], n_seeds, test_error_mean, test_error_sd, n_not_complete, not_complete, missing_seeds.

    select="valid_error": one row per group: the selected setting (its searched values, empty
    when no setting of the group has a complete run), its n_seeds, test error mean and sd,
    valid_error_mean and missing_seeds, the group's n_settings, and n_not_complete / not_complete
    over every setting of the group (so that no failed run goes unreported). Any other select is a
    ToolError."""
    if select is not None and select not in SELECT_CRITERIA:
        raise ToolError(f"--select {select}: unknown criterion (known: {', '.join(SELECT_CRITERIA)}: "
                        "the setting with the lowest mean validation error; the test error never selects)")
    if not isinstance(runs_or_table, pd.DataFrame) and axes is None:
        axes = axes_of(runs_or_table)
    _, keys, searched, settings = _settings(runs_or_table, axes)
    tail = ["n_not_complete", "not_complete", "missing_seeds"]
    stats = ["n_seeds", "test_error_mean", "test_error_sd"]
    if select is None:
        cols = keys + searched + stats + (["valid_error_mean", "n_settings", "selected"] if searched else []) + tail
        return settings[cols].reset_index(drop=True)
    rows = []
    for _, idx in settings.groupby("_group", sort=False).groups.items():
        g = settings.loc[idx]
        chosen = g[g["selected"]]
        row = (chosen.iloc[0] if len(chosen) else g.iloc[0]).copy()
        if not len(chosen):
            for k in searched:
                row[k] = None
            for k in stats + ["valid_error_mean"]:
                row[k] = 0 if k == "n_seeds" else math.nan
            row["missing_seeds"] = g.iloc[0]["missing_seeds"]
        row["n_not_complete"] = int(g["n_not_complete"].sum())
        row["not_complete"] = ", ".join(x for x in g["not_complete"] if x)
        rows.append(row)
    cols = keys + searched + stats + ["valid_error_mean", "n_settings"] + tail
    out = pd.DataFrame(rows, columns=settings.columns)[cols].reset_index(drop=True)
    for k in keys + searched:
        if k in settings.columns and len(out):
            out[k] = out[k].astype(settings[k].dtype)
    out["n_seeds"] = out["n_seeds"].astype(int)
    return out


def selected_mask(runs_or_table, axes=None):
    """True for the rows of the run table (run_table() of the same runs) that are complete runs of
    their group's selected setting (every complete run when there are no searched axes)."""
    t = runs_or_table if isinstance(runs_or_table, pd.DataFrame) else run_table(runs_or_table, axes)
    _, _, _, settings = _settings(t, axes)
    files = {f for fs in settings.loc[settings["selected"], "_files"] for f in fs}
    return complete_mask(t) & t["file"].isin(files)


# /config keys that do not decide a run's numbers, or that name the run within its grid: runs that
# differ only in these are runs of one configuration (e.g. shards of one sweep in two folders).
# The same list as run_hash's exclusions (lib/experiment/run.cpp).
NOT_DECISIVE = {"results", "experiment", "threads", "overwrite", "shard", "depths", "inits", "seeds",
                "activations", "width", "run_hash", "config_hash"}


def check_one_config(runs, axes=None):
    """Raises ToolError when two complete runs of one experiment that a table would average (same
    arm, depth, activation, width and values of the sweep's axes, axes_of(runs)) were made with
    different options (/config, apart from NOT_DECISIVE keys, run.* and the axes' lists grid.* and
    search.*; a key only one file has, from another version, is not compared), naming the option,
    both values and both files: such runs must be summarised apart. Also a ToolError (axes_of())
    when one key is a compared axis in one file and a searched one in another."""
    axes = axes_of(runs) if axes is None else axes
    first = {}  # (experiment, arm, depth, activation, width, axis values) -> (run, decisive config)
    for r in runs:
        if r["status"] != "complete":
            continue
        spec = r["spec"]
        values = tuple(str(v) for v in axis_values(r, axes).values())
        key = (r["experiment"], spec.get("arm"), spec.get("depth"), spec.get("activation"), spec.get("width"),
               values)
        conf = {k: v for k, v in r["config"].items() if k not in NOT_DECISIVE and not k.startswith("run.")
                and not k.startswith(("grid.", "search."))}
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
