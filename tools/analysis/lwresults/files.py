"""lwresults.files: finding run files in results folders and reading one run file into a dict.

Reads HDF5 schema versions 1 to 4 (lib/io/results.hpp): version 2 added the dataset valid_loss
to /pretrain/layer_NN (read_run() gives NaN for it in version 1 files) and stores the pretraining
options as typed attributes; the attributes of /pretrain groups are not read here. Version 3 added
the sweep's other axes (/config grid.<key> and search.<key>, see axes.py; read_run() gives them as
`axes`) and /data n_labeled, the training examples fine-tuning saw (read_run()'s `n_labeled`;
/data n_train for older files). Version 4 changed no field: it added dimension scales (the
datasets `layer` in /finetune/epochs and /finetune/steps, which read_run() leaves out of its
tables), long_name and units, and compression.
"""
import functools
import math
import pathlib
import re
import sys

import h5py
import numpy as np
import pandas as pd

from .axes import axes_in_config, axis_applies
from .errors import ToolError
from .isolated import map_isolated

SCHEMA_VERSIONS = (1, 2, 3, 4)
STATUSES = ("complete", "running", "diverged", "failed", "interrupted", "unreadable")
SPEC_FIELDS = ["arm", "depth", "activation", "width", "seed"]
STEP_LAYER_FIELDS = ["grad_norm_W", "grad_norm_b", "delta_norm", "weight_norm_W", "update_ratio",
                     "act_mean", "act_std", "act_saturated"]
EPOCH_FIELDS = ["train_loss", "train_error", "valid_loss", "valid_error", "wall_time_s"]
PRETRAIN_FIELDS = ["epoch", "loss", "valid_loss"]
SUFFIXES = (".h5.partial", ".h5")


def run_id_of(path):
    name = pathlib.Path(path).name
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _is_run_file(p):
    return p.is_file() and p.name.endswith(SUFFIXES)


def file_kind(path):
    """"checkpoint" (root attr format == "layerwise-network", a saved network), "stack" (format
    == "layerwise-stack", stored pretrained layers), "probe" (no
    run_id, has /probe: gradient_probe.h5) or "run" (anything else, including files h5py cannot
    open: read_run() reports those as unreadable)."""
    try:
        with h5py.File(path, "r") as f:
            if _py(f.attrs.get("format", "")) == "layerwise-network":
                return "checkpoint"
            if _py(f.attrs.get("format", "")) == "layerwise-stack":
                return "stack"
            if "run_id" not in f.attrs and "probe" in f:
                return "probe"
    except Exception:  # unreadable: a run file for the caller to report
        pass
    return "run"


_SKIP_DIRS = ("figures", "models", "stacks")


def _runs_only(paths):
    """The paths whose file_kind() is "run", judged in a child process (isolated.py): a file that
    crashes HDF5 there counts as a run, which read_runs() then reports as unreadable."""
    kinds = map_isolated(file_kind, paths, lambda path, why: "run")
    return [p for p, kind in zip(paths, kinds) if kind == "run"]


def find_run_files(dirs):
    """Union of the *.h5 and *.h5.partial run files directly in each folder (sorted). A folder
    holding none is searched recursively (results/ instead of results/<experiment>/), skipping
    figures/, models/ and stacks/ subfolders. Files that are not runs (file_kind()) are ignored. Raises
    ToolError for a folder that does not exist or holds no run file at all."""
    if isinstance(dirs, (str, pathlib.Path)):
        dirs = [dirs]
    found = []
    seen = set()
    for d in dirs:
        d = pathlib.Path(d)
        if not d.is_dir():
            raise ToolError(f"results folder does not exist or is not a folder: {d}")
        files = _runs_only(sorted(p for p in d.iterdir() if _is_run_file(p)))
        if not files:
            files = _runs_only(sorted(p for p in d.rglob("*") if _is_run_file(p)
                                      and not any(x in _SKIP_DIRS for x in p.relative_to(d).parts[:-1])))
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


# Run ids (lib/experiment/grid.hpp): d3-sigmoid-w500-xavier-s02 (depth_sweep's form: depth,
# activation, width, arm, seed), and the older d3-xavier-s02 and d3-tanh-w1000-xavier-s02.
_RUN_ID = re.compile(r"^d(?P<depth>\d+)-(?:(?P<act>[A-Za-z0-9_.]+)-)??(?:w(?P<width>\d+)-)?"
                     r"(?P<arm>[A-Za-z0-9_.]+)-s(?P<seed>\d+)$")


def spec_from_run_id(run_id):
    """The part of the spec a run id holds: depth, arm, seed, and activation and width when it
    names them; {} for an id of another shape."""
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
    """arm, depth, activation, width, seed, each from /config run.* (the sweep writes all five);
    for a file without it, parsed from the run id; failing that, from /network and the root seed
    (files not written by a sweep)."""
    guess = spec_from_run_id(run_id)
    sizes = network.get("layer_sizes") or []
    acts = network.get("activations") or []
    pre = network.get("pretrain")
    arm_net = pre if pre and pre != "none" else network.get("init")
    last = {"arm": arm_net or None, "depth": network.get("depth"),
            "activation": acts[0] if acts else None,
            "width": sizes[1] if len(sizes) > 2 else None, "seed": root.get("seed")}
    spec = {}
    for k in SPEC_FIELDS:
        if f"run.{k}" in config:
            spec[k] = config[f"run.{k}"]
        elif k in guess:
            spec[k] = guess[k]
        else:
            spec[k] = last[k]
    return spec


def _table(group, fields):
    """Columns of a group of equal-length 1-D datasets (missing ones skipped)."""
    return {k: np.asarray(group[k][()]) for k in fields if k in group}


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _is_number(v):
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def _check_contents(run):
    """Raises ValueError when what was read cannot be a run as the tables take it: a spec field
    of the wrong type, non-numeric summary fields, step series of unequal lengths or shapes."""
    for k in ("depth", "width", "seed"):
        v = run["spec"][k]
        if v is not None and not _is_int(v):
            raise ValueError(f"run.{k} is {v!r}, not an integer")
    for k in ("arm", "activation"):
        v = run["spec"][k]
        if v is not None and not isinstance(v, str):
            raise ValueError(f"run.{k} is {v!r}, not a name")
    for k, v in run["summary"].items():
        if not (_is_number(v) or isinstance(v, (bool, np.bool_))):
            raise ValueError(f"/summary {k} is {v!r}, not a number")
    if run["n_labeled"] is not None and not _is_int(run["n_labeled"]):
        raise ValueError(f"/data n_labeled (or n_train) is {run['n_labeled']!r}, not an integer")
    for k in run["axes"]:
        v = run["config"].get(k)
        if v is not None and not isinstance(v, (str, bool, int, float)):
            raise ValueError(f"/config {k} (an axis) is {v!r}, not one value")
    st = run["steps"]
    if st:
        for k in ("step", "epoch", "grad_norm_W"):
            if k not in st:
                raise ValueError(f"/finetune/steps has no {k}")
        S = st["step"].shape[0] if st["step"].ndim == 1 else -1
        if S < 0 or st["epoch"].shape != (S,) or st["grad_norm_W"].ndim != 2 or st["grad_norm_W"].shape[0] != S:
            raise ValueError("/finetune/steps: step, epoch and grad_norm_W differ in length or shape")
        L = st["grad_norm_W"].shape[1]
        for k, v in st.items():
            want = (S, L) if k in STEP_LAYER_FIELDS else (S,)
            if v.shape != want or v.dtype.kind not in "iuf":
                raise ValueError(f"/finetune/steps/{k} has shape {v.shape} ({v.dtype}), not {want} numbers")
    ep = run["epochs"]
    if len(ep.columns) and any(ep[c].dtype.kind not in "iuf" for c in ep.columns):
        raise ValueError("/finetune/epochs holds values that are not numbers")
    for layer, df in run["pretrain"].items():
        if any(df[c].dtype.kind not in "iuf" for c in df.columns):
            raise ValueError(f"/pretrain/layer_{layer:02d} holds values that are not numbers")


def _unread_run(path):
    """read_run()'s dict before anything is read: status unreadable, the spec from the run id."""
    run_id = run_id_of(path)
    run = {"run_id": run_id, "file": str(path), "status": "unreadable", "error": None,
           "experiment": None, "root": {}, "config": {}, "data": {}, "network": {}, "summary": {},
           "spec": dict.fromkeys(SPEC_FIELDS), "axes": {}, "n_labeled": None, "L": None,
           "epochs": pd.DataFrame(), "steps": {}, "pretrain": {}}
    run["spec"].update(spec_from_run_id(run_id))
    return run


def read_run(path, steps=True, epochs=True, pretrain=True):
    """Reads one run. Returns a dict with keys
      run_id, file (str), status (root status attr; "unreadable" if the file cannot be read;
      "running" if a .partial has no status), error (None or a message), experiment, root,
      config, data, network, summary (attribute dicts; summary {} if not written yet),
      spec (arm, depth, activation, width, seed), axes (the sweep's other axes this file records:
      {key: {"kind": "compared" | "searched", "values": [canonical text, ...], "value": the run's
      own value, typed, from /config key; None for another scheme's option (pretrain.dae.* on a
      xavier run)}}, {} before schema 3), n_labeled (the training
      examples fine-tuning saw: /data n_labeled, else /data n_train, else None), L (weight layers
      or None),
      epochs (DataFrame: epoch + EPOCH_FIELDS + grad_norm_W_mean_NN), steps (dict name -> array:
      step (S), epoch (S), batch_loss (S), STEP_LAYER_FIELDS (S, L)), pretrain (dict layer index ->
      DataFrame epoch, loss, valid_loss; valid_loss NaN in schema 1 files)."""
    path = pathlib.Path(path)
    run = _unread_run(path)
    run_id = run["run_id"]
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
            run["axes"] = axes_in_config(run["config"])
            for key, a in run["axes"].items():  # the run's own value; None: not its axis
                a["value"] = run["config"].get(key) if axis_applies(a, run["spec"]["arm"]) else None
            run["n_labeled"] = run["data"].get("n_labeled", run["data"].get("n_train"))
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
                if steps:  # the layer scale (schema 4) is the column index, not a series
                    run["steps"] = {k: np.asarray(g[k][()]) for k in g.keys() if k != "layer"}
            if pretrain and "pretrain" in f:
                for name in sorted(f["pretrain"].keys()):
                    m = re.match(r"layer_(\d+)$", name)
                    if m:
                        df = pd.DataFrame(_table(f["pretrain"][name], PRETRAIN_FIELDS))
                        if "valid_loss" not in df:  # schema 1
                            df["valid_loss"] = math.nan
                        run["pretrain"][int(m[1])] = df
        _check_contents(run)
    except Exception as e:  # corrupt, truncated, not HDF5, unexpected shapes: report, never crash
        run = _unread_run(path)  # nothing half-read reaches the tables
        run["error"] = f"{type(e).__name__}: {e}"
    if run["status"] == "complete":  # a complete run counts as a seed only with its test error
        te = run["summary"].get("test_error")
        if isinstance(te, (bool, np.bool_)) or not isinstance(te, (int, float, np.integer, np.floating)):
            run["status"] = "unreadable"
            run["error"] = ("status complete, but /summary test_error is "
                            + ("missing" if te is None else f"{te!r}, not a number"))
    return run


def read_runs(dirs, warn=sys.stderr, **kw):
    """read_run() for every file of find_run_files(dirs), sorted by run_id. Every file is a run:
    when a run id has several files (a complete .h5 and a .partial, or the same run in two shard
    folders), all are kept and a note goes to `warn` (None: silent)."""
    def crashed(path, why):
        run = _unread_run(pathlib.Path(path))
        run["error"] = f"HDF5 crashed reading it ({why}): the file is corrupt"
        return run
    # In a child process (isolated.py): a corrupt file can crash HDF5, never the tool.
    runs = map_isolated(functools.partial(read_run, **kw), find_run_files(dirs), crashed)
    runs.sort(key=lambda r: (r["run_id"], r["file"]))
    if warn is not None:
        by_id = {}
        for r in runs:  # run ids are unique within an experiment
            by_id.setdefault((r["experiment"], r["run_id"]), []).append(r["file"])
        for (_, rid), files in by_id.items():
            if len(files) > 1:
                print(f"note: run {rid} has {len(files)} files: {', '.join(files)}", file=warn)
    return runs
