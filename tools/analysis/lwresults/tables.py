"""lwresults.tables: runs read by lwresults.files as tidy pandas tables (collect's CSV files).

run_table: one row per run file. epoch_table, step_table, pretrain_table: long format keyed by
run_id (so one experiment at a time: run ids are unique within an experiment only).
"""
import math

import numpy as np
import pandas as pd

from .files import EPOCH_FIELDS, PRETRAIN_FIELDS, STEP_LAYER_FIELDS

RUN_COLUMNS = ["run_id", "file", "status", "arm", "depth", "activation", "width", "seed",
               "test_error", "best_epoch", "best_valid_error", "epochs_run", "stopped_early",
               "total_wall_time_s", "experiment", "created_utc"]
STEP_COLUMNS = ["run_id", "step", "epoch", "layer"] + STEP_LAYER_FIELDS
SUMMARY_FIELDS = ["best_epoch", "best_valid_error", "test_error", "epochs_run", "stopped_early",
                  "total_wall_time_s"]
PRETRAIN_COLUMNS = ["run_id", "layer"] + PRETRAIN_FIELDS


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
    """run x hidden layer x pretraining epoch, PRETRAIN_COLUMNS: run_id, layer, epoch, loss,
    valid_loss (the pretraining validation loss; NaN without a validation set and in schema 1
    files, which did not store it)."""
    parts = [df.assign(run_id=r["run_id"], layer=l) for r in runs for l, df in r["pretrain"].items()
             if len(df)]
    if not parts:
        return pd.DataFrame(columns=PRETRAIN_COLUMNS)
    return pd.concat(parts, ignore_index=True)[PRETRAIN_COLUMNS]
