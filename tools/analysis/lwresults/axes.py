"""lwresults.axes: the other axes of a sweep (depth_sweep --grid / --search, schema 3).

Besides arm x depth x activation x width x seed, a sweep may make any option an axis. Each run's
/config records, for each compared axis, grid.<key> = "v1,v2,..." and for each searched axis
search.<key> = "v1,v2,..." (the canonical value list, in the order given: the "listed first" order
for ties), and the run's own value under the option's key (typed: finetune.learning_rate 0.2,
data.n_labeled 500). An axis of a scheme's option, pretrain.<scheme>.<key>, multiplies only the
runs of arm <scheme>: it is no axis of the other arms' runs (their value is None). Files without
grid./search. attributes (schema 1 and 2, or a sweep without axes) have no axes.

  axes_in_config(config) -> {key: {"kind": "compared"|"searched", "values": [text, ...], "scheme"}}
                   (read_run() adds "value": the run's own, None when not its axis)
  axes_of(runs) -> {key: {"kind", "values", "scheme"}}  (the union over runs, sorted by key;
                   ToolError when a key is compared in one run and searched in another)
  axis_scheme(key) -> str | None, axis_applies(axis, arm) -> bool
  axis_values(run, axes) -> {key: typed value or None}
  axis_rank(values, axis) -> list[int]  (position in the axis's list; unlisted values after it,
                   sorted; None/NaN -1)
  axis_text(value, axis) -> str      (the list's canonical text for value; "" for None/NaN)
"""
import math

import numpy as np
import pandas as pd

from .errors import ToolError

AXIS_PREFIXES = {"grid.": "compared", "search.": "searched"}


def axis_scheme(key):
    """pretrain.<scheme>.<option> -> scheme; None for any other key (pretrain.freeze included)."""
    parts = key.split(".")
    return parts[1] if len(parts) >= 3 and parts[0] == "pretrain" else None


def axes_in_config(config):
    """The axes a run's /config records: {key: {"kind", "values", "scheme"}}, sorted by key. Raises
    ValueError for a grid./search. attribute that is not a text list (a damaged file)."""
    out = {}
    for name in sorted(config):
        for prefix, kind in AXIS_PREFIXES.items():
            if name.startswith(prefix) and len(name) > len(prefix):
                text = config[name]
                if not isinstance(text, str) or not text:
                    raise ValueError(f"/config {name} is {text!r}, not a list of values")
                key = name[len(prefix):]
                out[key] = {"kind": kind, "values": text.split(","), "scheme": axis_scheme(key)}
    return dict(sorted(out.items()))


def axes_of(runs):
    """The axes of the runs (read_run() dicts): the union of their axes, sorted by key. A key's
    list is the first run's (by file) with every value other runs list appended in their order
    (sweeps of one experiment made with longer lists). ToolError when a key is a compared axis in
    one file and a searched one in another, naming both files."""
    out, where = {}, {}
    for r in sorted(runs, key=lambda r: r["file"]):
        for key, a in (r.get("axes") or {}).items():
            if key not in out:
                out[key] = {"kind": a["kind"], "values": list(a["values"]), "scheme": axis_scheme(key)}
                where[key] = r["file"]
                continue
            if out[key]["kind"] != a["kind"]:
                raise ToolError(f"{key} is a {out[key]['kind']} axis in {where[key]} but a {a['kind']} "
                                f"axis in {r['file']} (grid.{key} / search.{key} in /config); "
                                "summarise the folders separately")
            out[key]["values"] += [v for v in a["values"] if v not in out[key]["values"]]
    return dict(sorted(out.items()))


def axis_applies(axis, arm):
    """False for an axis of a scheme's option on a run of another arm."""
    return axis.get("scheme") is None or axis["scheme"] == arm


def axis_values(run, axes):
    """{key: the run's value of each axis (typed, from /config), or None when the axis is not
    the run's (another scheme's option) or its /config lacks the key}."""
    arm = run["spec"].get("arm")
    conf = run.get("config") or {}
    return {k: (conf.get(k) if axis_applies(a, arm) else None) for k, a in axes.items()}


def _missing(v):
    """None, NaN or pd.NA: no value (not the run's axis)."""
    if v is None or v is pd.NA:
        return True
    return isinstance(v, (float, np.floating)) and bool(np.isnan(v))


def _same(value, text):
    """Is the typed /config value the list's canonical text?"""
    if isinstance(value, (bool, np.bool_)):
        t = text.strip().lower()
        return t in (("true", "1", "yes", "on") if value else ("false", "0", "no", "off"))
    if isinstance(value, str):
        return value == text
    try:
        return float(text) == float(value)
    except (TypeError, ValueError):
        return str(value) == text


def _position(value, axis):
    for i, text in enumerate(axis["values"]):
        if _same(value, text):
            return i
    return None


def axis_rank(values, axis):
    """The ranks of values on the axis: its position in the axis's list (the listed-first order);
    values the list lacks come after it, in sorted order; None/NaN (not the run's axis) -1."""
    values = list(values)
    pos = [None if _missing(v) else _position(v, axis) for v in values]
    extra = sorted({v for v, p in zip(values, pos) if p is None and not _missing(v)}, key=lambda v: (str(type(v)), v))
    n = len(axis["values"])
    out = []
    for v, p in zip(values, pos):
        if _missing(v):
            out.append(-1)
        else:
            out.append(p if p is not None else n + extra.index(v))
    return out


def axis_text(value, axis):
    """The list's canonical text for value (0.1, not 0.1000000001), its str() when unlisted, ""
    when missing."""
    if _missing(value):
        return ""
    p = _position(value, axis)
    if p is not None:
        return axis["values"][p]
    if isinstance(value, float) and math.isfinite(value) and value == int(value) and abs(value) < 2**53:
        return str(int(value))
    return str(value)
