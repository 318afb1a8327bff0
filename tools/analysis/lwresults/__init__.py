"""lwresults: read layerwise results files (HDF5 schema versions 1 to 3, see lib/io/results.hpp).

The package behind tools/analysis/collect, summary and plot, which import it as `import lwresults`
(Python puts a script's own folder on sys.path). From elsewhere:
    PYTHONPATH=tools/analysis /usr/bin/python3 -c "import lwresults"
    PYTHONPATH=tools/analysis /usr/bin/python3 -m lwresults RESULTS_DIR...   (lists the run files)
Needs Debian's /usr/bin/python3 (h5py, numpy, pandas).

One file per run: <dir>/<run_id>.h5 (complete) or <dir>/<run_id>.h5.partial (running, failed,
interrupted, diverged). find_run_files() takes one or more folders (e.g. the shard folders of one
sweep) and returns their union; HDF5 files that are not runs (network checkpoints, root attr format
"layerwise-network"; gradient_probe.h5, a root with /probe and no run_id) and `models/` and
`figures/` subfolders are skipped. read_run() never raises on a bad file: a file h5py cannot open or
read gets status "unreadable" and an `error` message, so callers can report it instead of dropping
it. Epochs are 1-based; steps are 0-based (step 0 = gradient at initialisation); layer l = 0 is
next to the input; (S, L) step datasets have one column per weight layer (L = depth + 1).

A run's spec (arm, depth, activation, width, seed) comes from its /config attributes run.arm,
run.depth, run.activation, run.width, run.seed (depth_sweep writes them in every file). Only a file
without them falls back to its run id, d{depth}-{activation}-w{width}-{arm}-s{seed:02d} (e.g.
d3-sigmoid-w500-xavier-s02, depth_sweep's form) or the older d3-xavier-s02 and
d3-tanh-w1000-xavier-s02, and then to /network and the root seed. One run has one run id, so runs
are never merged: every run file is one row (a run id with several files is noted by read_runs()).
Schema 2 added /pretrain/layer_NN/valid_loss; for schema 1 files pretrain_table() has NaN there.
Schema 3 added the sweep's other axes (depth_sweep --grid / --search; lwresults.axes): /config
grid.<key> (compared) and search.<key> (searched) = "v1,v2" (the values in listed order), the run's
value under <key>; and /data n_labeled (fine-tuning's training examples; n_train before schema 3).
run_table() has a column n_labeled and one per axis key; group_summary() groups by the compared
axes, shows each setting of the searched ones, and with select="valid_error" keeps the selected
setting of each group: lowest mean validation error among settings without a diverged, failed or
interrupted run (those compete only if every setting has one; a setting without a complete run is
never selected), ties to the setting listed first (earlier axes in key order vary slowest); the
test error never selects.

Public API (lwresults.files, .axes, .tables, .groups, .errors; everything is re-exported here):
  find_run_files(dirs) -> list[pathlib.Path]
  run_id_of(path) -> str
  file_kind(path) -> "run" | "checkpoint" | "probe"                 (unreadable files count as "run")
  spec_from_run_id(run_id) -> dict                                  (the keys the id holds)
  read_run(path, steps=True, epochs=True, pretrain=True) -> dict   (keys documented in read_run)
  read_runs(dirs, warn=sys.stderr, **kw) -> list[dict]             (one per file, sorted by run_id)
  axes_of(runs) -> {key: {"kind", "values", "scheme"}}     (the sweep's axes; ToolError on a clash)
  axes_in_config(config), axis_values(run, axes), axis_rank(values, axis), axis_text(value, axis),
  axis_scheme(key), axis_applies(axis, arm)                          (see lwresults.axes)
  run_table(runs, axes=None) -> pandas.DataFrame  (runs.csv: RUN_COLUMNS, then one per axis key)
  epoch_table(runs), step_table(runs), pretrain_table(runs) -> pandas.DataFrame (long format;
                                               pretrain: PRETRAIN_COLUMNS, with valid_loss)
  complete_mask(table) -> pandas.Series of bool  (status complete and a final .h5, not a .partial)
  group_keys(table, axes=None), searched_keys(table, axes=None) -> list[str]
  group_summary(runs_or_table, select=None, axes=None) -> pandas.DataFrame  (test error mean/sd
                            over seeds per [experiment x] arm x depth [x activation x width] x
                            compared axes [x setting of the searched axes]; select="valid_error":
                            the selected setting per group, SELECT_CRITERIA)
  selected_mask(runs_or_table, axes=None) -> pandas.Series of bool  (complete runs of selected
                                               settings)
  check_one_config(runs, axes=None) (ToolError when runs a table would average differ in options)
  experiments_of(runs_or_table) -> list, experiment_name(runs) -> str
  ToolError (a user error), main_guard(fn) (ToolError/OSError -> "prog: error: ..." and exit 2)
  Constants: STATUSES, RUN_COLUMNS, SPEC_FIELDS, EPOCH_FIELDS, STEP_LAYER_FIELDS, STEP_COLUMNS,
  SUMMARY_FIELDS, PRETRAIN_FIELDS, PRETRAIN_COLUMNS, SUFFIXES, SCHEMA_VERSIONS, SELECT_CRITERIA,
  AXIS_PREFIXES.
"""
import os
import sys

# A running sweep keeps its .partial open for writing; without this HDF5 refuses to open it.
os.environ.setdefault("HDF5_USE_FILE_LOCKING", "FALSE")

try:
    import h5py  # noqa: F401
    import numpy  # noqa: F401
    import pandas  # noqa: F401
except ImportError as e:  # pragma: no cover - depends on the interpreter
    sys.exit(f"lwresults: {e}; run with Debian's /usr/bin/python3 (python3-h5py, -numpy, -pandas)")

from .errors import ToolError, main_guard  # noqa: E402
from .axes import (AXIS_PREFIXES, axes_in_config, axes_of, axis_applies, axis_rank,  # noqa: E402
                   axis_scheme, axis_text, axis_values)
from .files import (EPOCH_FIELDS, PRETRAIN_FIELDS, SCHEMA_VERSIONS, SPEC_FIELDS,  # noqa: E402
                    STATUSES, STEP_LAYER_FIELDS, SUFFIXES, file_kind, find_run_files, read_run,
                    read_runs, run_id_of, spec_from_run_id)
from .tables import (PRETRAIN_COLUMNS, RUN_COLUMNS, STEP_COLUMNS, SUMMARY_FIELDS,  # noqa: E402
                     epoch_table, pretrain_table, run_table, step_table)
from .groups import (SELECT_CRITERIA, check_one_config, complete_mask, experiment_name,  # noqa: E402
                     experiments_of, group_keys, group_summary, searched_keys, selected_mask)

__all__ = [
    "check_one_config",
    "ToolError", "main_guard",
    "find_run_files", "run_id_of", "file_kind", "spec_from_run_id", "read_run", "read_runs",
    "run_table", "epoch_table", "step_table", "pretrain_table",
    "complete_mask", "group_keys", "group_summary", "experiments_of", "experiment_name",
    "searched_keys", "selected_mask", "SELECT_CRITERIA",
    "axes_of", "axes_in_config", "axis_values", "axis_rank", "axis_text", "axis_scheme", "axis_applies",
    "AXIS_PREFIXES",
    "STATUSES", "RUN_COLUMNS", "SPEC_FIELDS", "EPOCH_FIELDS", "STEP_LAYER_FIELDS", "STEP_COLUMNS",
    "SUMMARY_FIELDS", "PRETRAIN_FIELDS", "PRETRAIN_COLUMNS", "SUFFIXES", "SCHEMA_VERSIONS",
]
