"""lwresults.tables: runs read by lwresults.files as tidy pandas tables (collect's CSV files).

run_table: one row per run file, RUN_COLUMNS then one column per axis of the sweep (axes.py). epoch_table, step_table, pretrain_table: long format keyed by
run_id (so one experiment at a time: run ids are unique within an experiment only).
"""
import math

import numpy as np
import pandas as pd

from .axes import axes_of, axis_values
from .files import EPOCH_FIELDS, PRETRAIN_FIELDS, STEP_LAYER_FIELDS

RUN_COLUMNS = ["run_id", "file", "status", "arm", "depth", "activation", "width", "seed",
               "test_error", "best_epoch", "best_valid_error", "epochs_run", "stopped_early",
               "total_wall_time_s", "experiment", "created_utc", "n_labeled"]
STEP_COLUMNS = ["run_id", "step", "epoch", "layer"] + STEP_LAYER_FIELDS
SUMMARY_FIELDS = ["best_epoch", "best_valid_error", "test_error", "epochs_run", "stopped_early",
                  "total_wall_time_s"]
PRETRAIN_COLUMNS = ["run_id", "layer"] + PRETRAIN_FIELDS


def _axis_dtype(values):
    """Int64 for integer values, float64 for numbers, object otherwise (text, bool, mixed)."""
    vals = [v for v in values if v is not None]
    if vals and all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) for v in vals):
        return "Int64"
    if vals and all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
                    for v in vals):
        return "float64"
    return object


def run_table(runs, axes=None):
    """One row per run file: RUN_COLUMNS (n_labeled: the training examples fine-tuning saw), then
    one column per axis of axes (default axes_of(runs)), named by its key (finetune.learning_rate),
    holding the run's value (empty when the axis is not the run's). Summary fields are NaN until
    /summary is written. The axes are kept as table.attrs["axes"] (group_summary() reads them)."""
    axes = axes_of(runs) if axes is None else axes
    rows = []
    for r in runs:
        s = r["summary"]
        row = {"run_id": r["run_id"], "file": r["file"], "status": r["status"], **r["spec"],
               "experiment": r["experiment"], "created_utc": r["root"].get("created_utc"),
               "n_labeled": r.get("n_labeled")}
        for k in SUMMARY_FIELDS:
            row[k] = s.get(k, math.nan)
        row.update(axis_values(r, axes))
        rows.append(row)
    df = pd.DataFrame(rows, columns=RUN_COLUMNS + list(axes))
    for k in ("depth", "width", "seed", "best_epoch", "epochs_run", "n_labeled"):
        df[k] = df[k].astype("Int64")
    for k in axes:
        df[k] = pd.Series([row[k] for row in rows], dtype=_axis_dtype(row[k] for row in rows), index=df.index)
    df.attrs["axes"] = axes
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
    """run x hidden layer x pretraining epoch, PRETRAIN_COLUMNS: run_id, layer, epoch, loss,
    valid_loss (the pretraining validation loss; NaN without a validation set and in schema 1
    files, which did not store it)."""
    parts = [df.assign(run_id=r["run_id"], layer=l) for r in runs for l, df in r["pretrain"].items()
             if len(df)]
    if not parts:
        return pd.DataFrame(columns=PRETRAIN_COLUMNS)
    return pd.concat(parts, ignore_index=True)[PRETRAIN_COLUMNS]
