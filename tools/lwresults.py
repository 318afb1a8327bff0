#!/usr/bin/python3
"""lwresults: read layerwise results files (HDF5 schema 1, see lib/io/results.hpp).

Shared by tools/collect, tools/summary and tools/plot. Needs Debian's /usr/bin/python3
(h5py, numpy, pandas).

One file per run: <dir>/<run_id>.h5 (complete) or <dir>/<run_id>.h5.partial (running, failed,
interrupted, diverged). find_run_files() takes one or more folders (e.g. the shard folders of one
sweep) and returns their union; HDF5 files that are not runs (network checkpoints, root attr format
"layerwise-network"; gradient_probe.h5, a root with /probe and no run_id) and `models/` and
`figures/` subfolders are skipped. read_run() never raises on a bad file: a file h5py cannot open or
read gets status "unreadable" and an `error` message, so callers can report it instead of dropping
it. Epochs are 1-based; steps are 0-based (step 0 = gradient at initialisation); layer l = 0 is
next to the input; (S, L) step datasets have one column per weight layer (L = depth + 1).

Public API:
  find_run_files(dirs) -> list[pathlib.Path]
  run_id_of(path) -> str
  read_run(path, steps=True, epochs=True, pretrain=True) -> dict   (keys documented in read_run)
  read_runs(dirs, **kw) -> list[dict]                              (one per file, sorted by run_id)
  run_table(runs) -> pandas.DataFrame                              (runs.csv columns, RUN_COLUMNS)
  epoch_table(runs), step_table(runs), pretrain_table(runs) -> pandas.DataFrame (long format)
  file_kind(path) -> "run" | "checkpoint" | "probe"                 (unreadable files count as "run")
  dedup_runs(table, warn=sys.stderr) -> pandas.DataFrame           (one row per run spec, see below)
  group_summary(runs, warn=sys.stderr) -> pandas.DataFrame  (test error mean/sd over seeds per
                                               [experiment x] arm x depth [x activation x width])
A run is identified by its spec (experiment, arm, depth, activation, width, seed), not its run id:
depth_sweep leaves activation and width out of run ids when the grid has one of each, so the same
run can exist as d1-xavier-s01 and d1-sigmoid-xavier-s01; dedup_runs() keeps one.
"""
import math
import os
import pathlib
import re
import sys

# A running sweep keeps its .partial open for writing; without this HDF5 refuses to open it.
os.environ.setdefault("HDF5_USE_FILE_LOCKING", "FALSE")

try:
    import h5py
    import numpy as np
    import pandas as pd
except ImportError as e:  # pragma: no cover - depends on the interpreter
    sys.exit(f"lwresults: {e}; run with Debian's /usr/bin/python3 (python3-h5py, -numpy, -pandas)")

STATUSES = ("complete", "running", "diverged", "failed", "interrupted", "unreadable")
RUN_COLUMNS = ["run_id", "file", "status", "arm", "depth", "activation", "width", "seed",
               "test_error", "best_epoch", "best_valid_error", "epochs_run", "stopped_early",
               "total_wall_time_s", "experiment", "created_utc"]
SPEC_KEYS = ["experiment", "arm", "depth", "activation", "width", "seed"]
STEP_LAYER_FIELDS = ["grad_norm_W", "grad_norm_b", "delta_norm", "weight_norm_W", "update_ratio",
                     "act_mean", "act_std", "act_saturated"]
STEP_COLUMNS = ["run_id", "step", "epoch", "layer"] + STEP_LAYER_FIELDS
EPOCH_FIELDS = ["train_loss", "train_error", "valid_loss", "valid_error", "wall_time_s"]
SUMMARY_FIELDS = ["best_epoch", "best_valid_error", "test_error", "epochs_run", "stopped_early",
                  "total_wall_time_s"]
SUFFIXES = (".h5.partial", ".h5")


class ToolError(Exception):
    """A user error (bad folder, no runs); the command-line tools print it and exit 2."""


def run_id_of(path):
    name = pathlib.Path(path).name
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _is_run_file(p):
    return p.is_file() and p.name.endswith(SUFFIXES)


def file_kind(path):
    """"checkpoint" (root attr format == "layerwise-network", a saved network), "probe" (no
    run_id, has /probe: gradient_probe.h5) or "run" (anything else, including files h5py cannot
    open: read_run() reports those as unreadable)."""
    try:
        with h5py.File(path, "r") as f:
            if _py(f.attrs.get("format", "")) == "layerwise-network":
                return "checkpoint"
            if "run_id" not in f.attrs and "probe" in f:
                return "probe"
    except Exception:  # unreadable: a run file for the caller to report
        pass
    return "run"


_SKIP_DIRS = ("figures", "models")


def find_run_files(dirs):
    """Union of the *.h5 and *.h5.partial run files directly in each folder (sorted). A folder
    holding none is searched recursively (results/ instead of results/<experiment>/), skipping
    figures/ and models/ subfolders. Files that are not runs (file_kind()) are ignored. Raises
    ToolError for a folder that does not exist or holds no run file at all."""
    if isinstance(dirs, (str, pathlib.Path)):
        dirs = [dirs]
    found = []
    seen = set()
    for d in dirs:
        d = pathlib.Path(d)
        if not d.is_dir():
            raise ToolError(f"results folder does not exist or is not a folder: {d}")
        files = sorted(p for p in d.iterdir() if _is_run_file(p) and file_kind(p) == "run")
        if not files:
            files = sorted(p for p in d.rglob("*") if _is_run_file(p)
                           and not any(x in _SKIP_DIRS for x in p.relative_to(d).parts[:-1])
                           and file_kind(p) == "run")
        if not files:
            raise ToolError(f"no run files (*.h5, *.h5.partial) in {d}")
        for p in files:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                found.append(p)
    return found


def _py(v):
    """HDF5 attribute value -> plain Python (str, int, float, bool, list)."""
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    if isinstance(v, np.ndarray):
        return [_py(x) for x in v.tolist()] if v.dtype == object else v.tolist()
    return v


def _attrs(f, path):
    return {k: _py(v) for k, v in f[path].attrs.items()} if path in f else {}


# Run ids from experiment/grid.hpp: d3-xavier-s02 or d3-tanh-w1000-xavier-s02.
_RUN_ID = re.compile(r"^d(?P<depth>\d+)-(?:(?P<act>[A-Za-z0-9_.]+)-)??(?:w(?P<width>\d+)-)?"
                     r"(?P<arm>[A-Za-z0-9_.]+)-s(?P<seed>\d+)$")


def _spec_from_run_id(run_id):
    m = _RUN_ID.match(run_id)
    if not m:
        return {}
    spec = {"depth": int(m["depth"]), "arm": m["arm"], "seed": int(m["seed"])}
    if m["act"]:
        spec["activation"] = m["act"]
    if m["width"]:
        spec["width"] = int(m["width"])
    return spec


def _spec(root, config, network, run_id):
    """arm, depth, activation, width, seed: from /config run.* (written by the sweep), else from
    /network and the root attributes, else parsed from the run id."""
    guess = _spec_from_run_id(run_id)
    sizes = network.get("layer_sizes") or []
    acts = network.get("activations") or []
    pre = network.get("pretrain")
    arm_net = pre if pre and pre != "none" else network.get("init")
    return {
        "arm": config.get("run.arm", arm_net if arm_net else guess.get("arm")),
        "depth": config.get("run.depth", network.get("depth", guess.get("depth"))),
        "activation": config.get("run.activation", acts[0] if acts else guess.get("activation")),
        "width": config.get("run.width", sizes[1] if len(sizes) > 2 else guess.get("width")),
        "seed": config.get("run.seed", root.get("seed", guess.get("seed"))),
    }


def _table(group, fields):
    """Columns of a group of equal-length 1-D datasets (missing ones skipped)."""
    return {k: np.asarray(group[k][()]) for k in fields if k in group}


def read_run(path, steps=True, epochs=True, pretrain=True):
    """Reads one run. Returns a dict with keys
      run_id, file (str), status (root status attr; "unreadable" if the file cannot be read;
      "running" if a .partial has no status), error (None or a message), experiment, root,
      config, data, network, summary (attribute dicts; summary {} if not written yet),
      spec (arm, depth, activation, width, seed), L (weight layers or None),
      epochs (DataFrame: epoch + EPOCH_FIELDS + grad_norm_W_mean_NN), steps (dict name -> array:
      step (S), epoch (S), batch_loss (S), STEP_LAYER_FIELDS (S, L)), pretrain (dict layer index ->
      DataFrame epoch, loss)."""
    path = pathlib.Path(path)
    run_id = run_id_of(path)
    run = {"run_id": run_id, "file": str(path), "status": "unreadable", "error": None,
           "experiment": None, "root": {}, "config": {}, "data": {}, "network": {}, "summary": {},
           "spec": dict.fromkeys(["arm", "depth", "activation", "width", "seed"]), "L": None,
           "epochs": pd.DataFrame(), "steps": {}, "pretrain": {}}
    run["spec"].update(_spec_from_run_id(run_id))
    try:
        with h5py.File(path, "r") as f:
            root = _attrs(f, "/")
            run["root"] = root
            run["run_id"] = root.get("run_id", run_id)
            run["experiment"] = root.get("experiment")
            run["status"] = root.get("status", "running" if path.name.endswith(".partial") else "unknown")
            for key in ("config", "data", "network", "summary"):
                run[key] = _attrs(f, key)
            run["spec"] = _spec(root, run["config"], run["network"], run["run_id"])
            if epochs and "finetune/epochs" in f:
                g = f["finetune/epochs"]
                cols = _table(g, ["epoch"] + EPOCH_FIELDS)
                df = pd.DataFrame(cols)
                if "grad_norm_W_mean" in g:
                    gm = np.asarray(g["grad_norm_W_mean"][()])
                    if gm.ndim == 2 and gm.shape[0] == len(df):
                        for l in range(gm.shape[1]):
                            df[f"grad_norm_W_mean_{l:02d}"] = gm[:, l]
                run["epochs"] = df
            if "finetune/steps" in f:
                g = f["finetune/steps"]
                if "grad_norm_W" in g and g["grad_norm_W"].ndim == 2:
                    run["L"] = int(g["grad_norm_W"].shape[1])
                if steps:
                    run["steps"] = {k: np.asarray(g[k][()]) for k in g.keys()}
            if pretrain and "pretrain" in f:
                for name in sorted(f["pretrain"].keys()):
                    m = re.match(r"layer_(\d+)$", name)
                    if m:
                        g = f["pretrain"][name]
                        run["pretrain"][int(m[1])] = pd.DataFrame(_table(g, ["epoch", "loss"]))
    except Exception as e:  # corrupt, truncated, not HDF5, unexpected shapes: report, never crash
        run["status"] = "unreadable"
        run["error"] = f"{type(e).__name__}: {e}"
    return run


def read_runs(dirs, warn=sys.stderr, **kw):
    """read_run() for every file of find_run_files(dirs), sorted by run_id. When a run id has both
    a complete .h5 and a .partial (a rerun in progress, or the same run in two shard folders), all
    are kept and a note goes to `warn` (None: silent)."""
    runs = [read_run(p, **kw) for p in find_run_files(dirs)]
    runs.sort(key=lambda r: (r["run_id"], r["file"]))
    if warn is not None:
        by_id = {}
        for r in runs:  # run ids are unique within an experiment
            by_id.setdefault((r["experiment"], r["run_id"]), []).append(r["file"])
        for (_, rid), files in by_id.items():
            if len(files) > 1:
                print(f"note: run {rid} has {len(files)} files: {', '.join(files)}", file=warn)
    return runs


def run_table(runs):
    """One row per run file, RUN_COLUMNS. Summary fields are NaN until /summary is written."""
    rows = []
    for r in runs:
        s = r["summary"]
        row = {"run_id": r["run_id"], "file": r["file"], "status": r["status"], **r["spec"],
               "experiment": r["experiment"], "created_utc": r["root"].get("created_utc")}
        for k in SUMMARY_FIELDS:
            row[k] = s.get(k, math.nan)
        rows.append(row)
    df = pd.DataFrame(rows, columns=RUN_COLUMNS)
    for k in ("depth", "width", "seed", "best_epoch", "epochs_run"):
        df[k] = df[k].astype("Int64")
    return df


def epoch_table(runs):
    """run x epoch: run_id, epoch, train/valid loss and error, wall_time_s, grad_norm_W_mean_NN."""
    parts = [r["epochs"].assign(run_id=r["run_id"]) for r in runs if len(r["epochs"])]
    if not parts:
        return pd.DataFrame(columns=["run_id", "epoch"] + EPOCH_FIELDS)
    df = pd.concat(parts, ignore_index=True)
    return df[["run_id"] + [c for c in df.columns if c != "run_id"]]


def step_table(runs):
    """run x logged step x layer, long format, STEP_COLUMNS."""
    parts = []
    for r in runs:
        st = r["steps"]
        if "step" not in st or "grad_norm_W" not in st or st["grad_norm_W"].ndim != 2:
            continue
        S, L = st["grad_norm_W"].shape
        part = {"run_id": np.repeat(r["run_id"], S * L),
                "step": np.repeat(st["step"], L), "epoch": np.repeat(st["epoch"], L),
                "layer": np.tile(np.arange(L), S)}
        for k in STEP_LAYER_FIELDS:
            v = st.get(k)
            part[k] = v.reshape(-1) if v is not None and v.shape == (S, L) else np.full(S * L, np.nan)
        parts.append(pd.DataFrame(part))
    if not parts:
        return pd.DataFrame(columns=STEP_COLUMNS)
    return pd.concat(parts, ignore_index=True)[STEP_COLUMNS]


def pretrain_table(runs):
    """run x hidden layer x pretraining epoch: run_id, layer, epoch, loss."""
    parts = [df.assign(run_id=r["run_id"], layer=l) for r in runs for l, df in r["pretrain"].items()
             if len(df)]
    if not parts:
        return pd.DataFrame(columns=["run_id", "layer", "epoch", "loss"])
    return pd.concat(parts, ignore_index=True)[["run_id", "layer", "epoch", "loss"]]


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


def _ok_column(t):
    """Adds `_ok` (status complete and a final .h5) and marks a complete .partial."""
    t = t.copy()
    t["_ok"] = (t["status"] == "complete") & ~t["file"].astype(str).str.endswith(".partial")
    t.loc[(t["status"] == "complete") & ~t["_ok"], "status"] = "complete but .partial"
    return t


def _spec_text(row):
    return ", ".join(f"{k} {row[k]}" for k in SPEC_KEYS)


def dedup_runs(table, warn=sys.stderr):
    """One row per run: rows sharing experiment and run id (a rerun's .partial beside the .h5,
    overlapping shards), or sharing the spec (experiment, arm, depth, activation, width, seed) under different
    run ids, count once. Kept: the complete .h5 first, then the newest created_utc, then the first
    file. Rows with no arm, depth or seed are kept as they are. Each dropped duplicate of a spec is
    named on `warn` (None: silent); read_runs() already notes run ids with several files. Returns
    the table with an added boolean column `_ok` (complete run)."""
    t = _ok_column(table)
    t["_new"] = t["created_utc"].fillna("").astype(str) if "created_utc" in t else ""
    t["_exp"] = t["experiment"].astype(object).where(t["experiment"].notna(), "").astype(str)
    t = t.sort_values(["_ok", "_new", "file"], ascending=[False, False, True])
    t = t.drop_duplicates(["_exp", "run_id"])
    known = t["arm"].notna() & t["depth"].notna() & t["seed"].notna()
    spec = t[known].copy()
    for k in SPEC_KEYS:  # NaN/None compare equal for drop_duplicates only as one sentinel
        spec[k] = spec[k].astype(object).where(spec[k].notna(), "<unknown>").astype(str)
    dup = spec.duplicated(SPEC_KEYS, keep="first")
    if warn is not None and dup.any():
        first = spec[~dup].set_index(SPEC_KEYS)
        for idx in spec.index[dup]:
            row = spec.loc[idx]
            kept = first.loc[tuple(row[k] for k in SPEC_KEYS)]
            print(f"note: dropped duplicate run {row['run_id']} ({row['file']}, {row['status']}): "
                  f"same run ({_spec_text(row)}) as kept {kept['run_id']} ({kept['file']})", file=warn)
    t = t.drop(index=spec.index[dup]).drop(columns=["_new", "_exp"])
    return t.sort_values(["run_id", "file"])


def group_summary(runs_or_table, warn=sys.stderr):
    """Per [experiment x] arm x depth (x activation x width if they vary; experiment if there is
    more than one): n_seeds (complete runs), test error mean and sample sd (ddof 1; 0 for one seed;
    NaN for none), as fractions, and the runs that are not complete (`not_complete`:
    "run_id (status)", ...) and the seeds missing from the group (`missing_seeds`: seeds present in
    some group of the same experiment but absent here). Duplicates of a run are dropped first
    (dedup_runs(), noted on `warn`). Files with no known arm/depth (unreadable, run id not
    parseable) are in no group; list them from run_table()."""
    t = runs_or_table if isinstance(runs_or_table, pd.DataFrame) else run_table(runs_or_table)
    t = dedup_runs(t, warn)
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
        row["test_error_sd"] = float(np.std(errs, ddof=1)) if n > 1 else (0.0 if n == 1 else math.nan)
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


def experiments_of(runs_or_table):
    """Sorted experiment names (None for runs without one) of the readable runs."""
    if isinstance(runs_or_table, pd.DataFrame):
        vals = runs_or_table.loc[runs_or_table["status"] != "unreadable", "experiment"]
    else:
        vals = [r["experiment"] for r in runs_or_table if r["status"] != "unreadable"]
    return sorted({v if isinstance(v, str) and v else None for v in vals}, key=lambda v: (v is None, v or ""))


def experiment_name(runs):
    names = sorted({r["experiment"] for r in runs if r.get("experiment")})
    return ", ".join(names) if names else "unknown experiment"


def main_guard(fn):
    """Runs fn(); a ToolError or OSError becomes 'prog: error: ...' and exit status 2."""
    prog = pathlib.Path(sys.argv[0]).name
    try:
        return fn()
    except (ToolError, OSError) as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description="List the run files of results folders with their "
                                 "status (a quick check; see tools/collect, summary, plot).")
    ap.add_argument("dirs", nargs="+", metavar="RESULTS_DIR")
    a = ap.parse_args()

    def _list():
        print(run_table(read_runs(a.dirs, steps=False)).to_string(index=False))
        return 0
    sys.exit(main_guard(_list))
