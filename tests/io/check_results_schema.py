#!/usr/bin/python3
"""Checks a layerwise results file against HDF5 schema version 4 from Python (h5py), and
opens its series with xarray (engine h5netcdf): named dimensions with coordinates, no phony ones.

usage: check_results_schema.py FILE [--sample] [--killed] [--pretrained]
  --sample  also check the known values written by lw_write_sample_results (W[i, j] = 100 l + 10 i + j)
  --pretrained  FILE was written by depth_sweep for a pretrained arm: /pretrain holds every layer,
            with the common scheme options typed (epochs, batch_size int64; learning_rate float64)
  --killed  FILE is the .partial left by a SIGKILLed run: status "running" and >= 3 flushed epochs
Exit status: 0 ok, 1 a check failed, 77 h5py/numpy missing (CTest SKIP_RETURN_CODE).
"""
import sys

try:
    import h5py
    import numpy as np
except ImportError as e:  # pragma: no cover
    print(f"SKIP: {e}")
    sys.exit(77)

STATUSES = {"running", "complete", "diverged", "failed", "interrupted"}
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def is_int(v):
    return isinstance(v, np.integer) and v.dtype == np.int64


def is_real(v):
    return isinstance(v, np.floating) and v.dtype == np.float64


def is_str(v):
    return isinstance(v, str)


def check_attrs(obj, spec):
    for name, pred in spec.items():
        check(name in obj.attrs, f"{obj.name}@{name} missing")
        if name in obj.attrs:
            v = obj.attrs[name]
            check(pred(v), f"{obj.name}@{name} has wrong type: {type(v).__name__} {v!r}")


def check_series(group, name, dtype, ncols=None):
    check(name in group, f"{group.name}/{name} missing")
    if name not in group:
        return None
    d = group[name]
    check(d.dtype == dtype, f"{d.name} dtype {d.dtype}, want {dtype}")
    check(d.ndim == (1 if ncols is None else 2), f"{d.name} ndim {d.ndim}")
    if ncols is not None and d.ndim == 2:
        check(d.shape[1] == ncols, f"{d.name} shape {d.shape}, want (rows, {ncols})")
    check(d.maxshape[0] is None and d.chunks is not None, f"{d.name} is not chunked and unlimited along axis 0")
    check(d.compression == "gzip" and d.shuffle, f"{d.name} is not compressed (gzip with shuffle)")
    return d


def check_scales(group, axes):
    """Every dataset of `group` but the scales has its axes attached to the scales named in
    `axes` (axis 0 the row scale; axis 1, when 2-D, `layer`)."""
    for name, d in group.items():
        if name in axes or name == "layer":
            check(h5py.h5ds.is_scale(d.id), f"{d.name} is not a dimension scale")
            continue
        for axis in range(d.ndim):
            want = axes[0] if axis == 0 else "layer"
            got = [s.name.rsplit("/", 1)[-1] for s in d.dims[axis].values()]
            check(got == [want], f"{d.name} axis {axis} attached to {got}, want [{want!r}]")


def check_xarray(path, group, dims):
    try:
        import xarray as xr
    except ImportError as e:
        check(False, f"xarray missing: {e}")
        return
    with xr.open_dataset(path, group=group, engine="h5netcdf") as ds:
        check(set(ds.dims) == set(dims), f"xarray {group}: dims {dict(ds.dims)}, want {dims}")
        for d in dims:
            check(d in ds.coords, f"xarray {group}: no coordinate {d}")
        phony = [d for d in ds.dims if str(d).startswith("phony")]
        check(not phony, f"xarray {group}: phony dimensions {phony}")


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    sample, killed, pretrained = "--sample" in argv, "--killed" in argv, "--pretrained" in argv
    if len(args) != 1:
        print(__doc__)
        return 2
    path = args[0]
    f = h5py.File(path, "r")
    check_attrs(f, {k: is_str for k in ("run_id", "experiment", "status", "created_utc", "command_line",
                                         "toolkit_version", "git_describe", "armadillo_version", "blas",
                                         "blas_core", "hdf5_version", "boost_version", "compiler",
                                         "build_type", "host")})
    check_attrs(f, {"schema_version": is_int, "seed": is_int, "blas_threads": is_int})
    check(f.attrs.get("schema_version") == 4, "schema_version != 4")
    status = f.attrs.get("status")
    check(status in STATUSES, f"status {status!r}")
    check(path.endswith(".h5") == (status == "complete"), f"name {path} does not match status {status}")

    net = f["network"]
    check_attrs(net, {"depth": is_int, "loss": is_str, "init": is_str, "pretrain": is_str, "precision": is_str,
                      "layer_sizes": lambda v: isinstance(v, np.ndarray) and v.dtype == np.int64,
                      "activations": lambda v: isinstance(v, np.ndarray) and all(is_str(s) for s in v)})
    depth = int(net.attrs["depth"])
    sizes = [int(s) for s in net.attrs["layer_sizes"]]
    L = depth + 1
    check(len(sizes) == depth + 2 and len(net.attrs["activations"]) == L, "layer_sizes/activations lengths")
    check(net.attrs["precision"] in ("float32", "float64"), "precision")

    fe = f["finetune/epochs"]
    ep = check_series(fe, "epoch", np.int64)
    for name in ("train_loss", "train_error", "valid_loss", "valid_error", "wall_time_s"):
        d = check_series(fe, name, np.float64)
        check(d is None or d.shape[0] == ep.shape[0], f"{fe.name}/{name} rows differ from epoch")
    check_series(fe, "grad_norm_W_mean", np.float64, L)
    fs = f["finetune/steps"]
    st = check_series(fs, "step", np.int64)
    check_series(fs, "epoch", np.int64)
    check_series(fs, "batch_loss", np.float64)
    for name in ("grad_norm_W", "grad_norm_b", "delta_norm", "weight_norm_W", "update_ratio", "act_mean",
                 "act_std", "act_saturated"):
        d = check_series(fs, name, np.float64, L)
        check(d is None or d.shape[0] == st.shape[0], f"{fs.name}/{name} rows differ from step")

    check_scales(fe, ("epoch",))
    check_scales(fs, ("step",))
    check(list(fs["layer"][()]) == list(range(L)) and list(fe["layer"][()]) == list(range(L)), "layer scales 0 .. L-1")
    check_xarray(path, "finetune/steps", ("step", "layer"))
    check_xarray(path, "finetune/epochs", ("epoch", "layer"))
    for name in f["pretrain"]:
        check_scales(f["pretrain"][name], ("epoch",))
        check_xarray(path, f"pretrain/{name}", ("epoch",))

    if killed:
        check(status == "running", f"killed run has status {status!r}")
        check(ep.shape[0] >= 3 and list(ep[:3]) == [1, 2, 3], f"killed run kept epochs {list(ep[:])}")
    else:
        check_attrs(f["config"], {"config_hash": lambda v: is_str(v) and len(v) == 16})
        for k, v in f["config"].attrs.items():
            check(is_int(v) or is_real(v) or is_str(v) or isinstance(v, np.bool_), f"/config@{k} type {type(v)}")
        ints = {k: is_int for k in ("n_train", "n_valid", "n_test", "n_features", "n_classes", "n_labeled")}
        check_attrs(f["data"], {"source": is_str, "path": is_str, "checksum": is_str, **ints})
        for name, g in f["pretrain"].items():
            check(name.startswith("layer_") and len(name) == 8, f"/pretrain/{name} name")
            check_attrs(g, {"scheme": is_str, "wall_time_s": is_real})
            for k in g.attrs:
                check("." not in k, f"{g.name}@{k}: an option's own key, not a dotted one")
            e, l = check_series(g, "epoch", np.int64), check_series(g, "loss", np.float64)
            v = check_series(g, "valid_loss", np.float64)
            check(e is not None and l is not None and v is not None and e.shape == l.shape == v.shape,
                  f"{g.name} epoch/loss/valid_loss shapes")
            if pretrained:
                check_attrs(g, {"epochs": is_int, "batch_size": is_int, "learning_rate": is_real,
                                "optimizer": is_str})
                if "tied" in g.attrs:
                    check(isinstance(g.attrs["tied"], np.bool_), f"{g.name}@tied is not a bool")
                check(e is not None and e.shape[0] == g.attrs.get("epochs"), f"{g.name}: not every epoch")
                check(v is not None and np.all(np.isfinite(v[()])), f"{g.name}: valid_loss not finite")
        if pretrained:
            check(len(f["pretrain"]) == depth, f"/pretrain has {len(f['pretrain'])} layers, depth {depth}")
        check_attrs(f["summary"], {"best_epoch": is_int, "best_valid_error": is_real, "test_error": is_real,
                                   "epochs_run": is_int, "total_wall_time_s": is_real,
                                   "stopped_early": lambda v: isinstance(v, np.bool_)})

    wtype = np.float32 if net.attrs["precision"] == "float32" else np.float64
    for stage in f.get("weights", {}):
        check(stage in ("initial", "pretrained", "best"), f"/weights/{stage}")
        for name, g in f["weights"][stage].items():
            l = int(name[len("layer_"):])
            W, b = g["W"], g["b"]
            check(W.shape == (sizes[l + 1], sizes[l]), f"{W.name} shape {W.shape}, want (fan_out, fan_in)")
            check(b.shape == (sizes[l + 1],), f"{b.name} shape {b.shape}")
            check(W.dtype == wtype and b.dtype == wtype, f"{W.name} dtype {W.dtype}")
            if sample:
                i, j = np.indices(W.shape)
                check(np.array_equal(W[()], 100 * l + 10 * i + j), f"{W.name} values (layout)")
                check(np.array_equal(b[()], 100 * l + np.arange(b.shape[0])), f"{b.name} values")

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            for a in ("long_name", "description", "units"):
                check(is_str(obj.attrs.get(a)), f"/{name} has no str {a}")
    f.visititems(visit)

    if sample:
        check(f.attrs["run_id"] == "sample-d2-s07" and f.attrs["seed"] == 7, "sample root attrs")
        check(list(f["finetune/epochs/epoch"][:]) == [1, 2, 3], "sample epochs")
        check(f["finetune/epochs/grad_norm_W_mean"][2, 1] == 6.0, "sample grad_norm_W_mean[2, 1]")
        check(f["finetune/steps/delta_norm"].shape == (6, 3), "sample steps shape")
        check(f["config"].attrs["pretrain.enabled"] is np.True_ or f["config"].attrs["pretrain.enabled"] == True,
              "sample bool config")
        check(f["/finetune/epochs/wall_time_s"].attrs["units"] == "s", "units of wall_time_s")

    if failures:
        print(f"FAIL: {path}")
        for what in failures:
            print("  " + what)
        return 1
    print(f"OK: {path} (status {status}, L = {L}, {ep.shape[0]} epochs, {st.shape[0]} steps)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
