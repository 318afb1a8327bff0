#!/usr/bin/python3
"""Tests of tools/collect, tools/summary, tools/plot (plain unittest, Debian's /usr/bin/python3).

Usage: test_tools.py [BIN_DIR_OR_SAMPLE_WRITER]
The results folder is built with depth_sweep when $LW_BIN_DIR/depth_sweep exists (a tiny blobs
sweep: depths 1,2 x arms uniform,xavier x seeds 1,2), else from the sample writer
($LW_SAMPLE_WRITER, argv[1], or $LW_BIN_DIR/lw_write_sample_results): its one run is copied to
d{1,2}-{uniform,xavier}-s0{1,2}.h5 with the run.* config, seed and test error changed with h5py.
Expected numbers are always computed directly from the files with h5py. Prints "N passed, M
failed" last and exits non-zero on any failure.
"""
import csv
import io
import math
import os
import pathlib
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

os.environ.setdefault("HDF5_USE_FILE_LOCKING", "FALSE")
import h5py  # noqa: E402
import numpy as np  # noqa: E402

SRC = pathlib.Path(__file__).resolve().parents[2]
TOOLS = SRC / "tools"
PY = "/usr/bin/python3"
FIGURES = ["test_error_vs_depth.png", "grad_norm_by_step_d2.png", "grad_norm_at_init.png",
           "learning_curves.png", "saturation.png"]
PNG_SIZE = (1200, 800)


def find_exe(name):
    cands = []
    arg = sys.argv[1] if len(sys.argv) > 1 else None
    if name == "lw_write_sample_results":
        cands += [os.environ.get("LW_SAMPLE_WRITER"), arg]
    if arg:
        cands.append(str(pathlib.Path(arg) / name))
    if os.environ.get("LW_BIN_DIR"):
        cands.append(str(pathlib.Path(os.environ["LW_BIN_DIR"]) / name))
    for c in cands:
        if c and pathlib.Path(c).is_file() and os.access(c, os.X_OK) and pathlib.Path(c).name == name:
            return c
    return None


def run_tool(tool, *args, ok=True):
    p = subprocess.run([PY, str(TOOLS / tool), *map(str, args)], capture_output=True, text=True,
                       timeout=600)
    if ok and p.returncode != 0:
        raise AssertionError(f"{tool} {args} exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
    return p


def build_from_sample(writer, folder):
    tmp = folder / "_sample"
    subprocess.run([writer, str(tmp)], check=True, capture_output=True)
    sample = next(tmp.glob("*.h5"))
    k = 0
    for depth in (1, 2):
        for arm in ("uniform", "xavier"):
            for seed in (1, 2):
                run_id = f"d{depth}-{arm}-s{seed:02d}"
                path = folder / f"{run_id}.h5"
                shutil.copy(sample, path)
                with h5py.File(path, "r+") as f:
                    f.attrs["run_id"] = run_id
                    f.attrs["experiment"] = "tools_test"
                    f.attrs["seed"] = np.int64(seed)
                    c = f["config"].attrs
                    c["run.depth"], c["run.arm"] = np.int64(depth), arm
                    c["run.activation"], c["run.width"], c["run.seed"] = "sigmoid", np.int64(3), np.int64(seed)
                    f["summary"].attrs["test_error"] = 0.1 + 0.01 * k + 0.003 * seed * depth
                    g = f["finetune/steps/grad_norm_W"]
                    g[...] = g[...] * (depth + 1) + 0.5
                k += 1
    shutil.rmtree(tmp)


def build_folder(folder):
    """Returns how the folder was built."""
    sweep = find_exe("depth_sweep")
    if sweep:
        p = subprocess.run([sweep, "--experiment", "tiny", "--results", str(folder), "--depths", "1,2",
                            "--inits", "uniform,xavier", "--seeds", "1-2", "--width", "32",
                            "--data.source", "blobs", "--finetune.epochs", "2", "--log.every", "1"],
                           capture_output=True, text=True, timeout=900)
        if p.returncode == 0 and list(folder.rglob("*.h5")):
            return "depth_sweep"
        print(f"depth_sweep failed ({p.returncode}), using the sample writer:\n{p.stderr[-2000:]}")
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
    writer = find_exe("lw_write_sample_results")
    if not writer:
        raise unittest.SkipTest("no lw_write_sample_results: set LW_BIN_DIR or LW_SAMPLE_WRITER")
    build_from_sample(writer, folder)
    return "sample writer"


def direct_runs(folder):
    """Reads every run file with h5py directly (independent of tools/lwresults.py)."""
    runs = []
    for p in sorted(list(folder.rglob("*.h5")) + list(folder.rglob("*.h5.partial"))):
        try:
            with h5py.File(p, "r") as f:
                c = f["config"].attrs
                st = f["finetune/steps/grad_norm_W"].shape
                runs.append({"file": p, "status": str(f.attrs["status"]), "arm": str(c["run.arm"]),
                             "depth": int(c["run.depth"]), "seed": int(c["run.seed"]),
                             "test_error": float(f["summary"].attrs["test_error"]) if "summary" in f else None,
                             "n_epochs": len(f["finetune/epochs/epoch"]), "n_step_rows": st[0] * st[1],
                             "n_pretrain": sum(len(f["pretrain"][k]["epoch"]) for k in f["pretrain"])})
        except (OSError, KeyError):
            runs.append({"file": p, "status": "unreadable"})
    return runs


def read_csv(path):
    with open(path, newline="") as fh:
        r = csv.DictReader(fh)
        return r.fieldnames, list(r)


def png_size(path):
    data = pathlib.Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


class ToolsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="lw_tools_test_"))
        cls.res = cls.tmp / "res"
        cls.res.mkdir()
        cls.how = build_folder(cls.res)
        print(f"results folder from {cls.how}: {cls.res}", file=sys.stderr)
        cls.runs = direct_runs(cls.res)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_help(self):
        for tool in ("collect", "summary", "plot", "lwresults.py"):
            p = run_tool(tool, "--help")
            self.assertIn("usage:", p.stdout)

    def test_missing_folder_is_a_clear_error(self):
        for tool in ("collect", "summary", "plot"):
            p = run_tool(tool, self.tmp / "nope", ok=False)
            self.assertEqual(p.returncode, 2)
            self.assertIn("does not exist", p.stderr)
            self.assertNotIn("Traceback", p.stderr)

    def test_collect(self):
        out = self.tmp / "csv"
        run_tool("collect", self.res, "--out", out)
        cols, rows = read_csv(out / "runs.csv")
        self.assertEqual(cols, ["run_id", "file", "status", "arm", "depth", "activation", "width", "seed",
                                "test_error", "best_epoch", "best_valid_error", "epochs_run",
                                "stopped_early", "total_wall_time_s"])
        self.assertEqual(len(rows), len(self.runs))
        by_file = {pathlib.Path(r["file"]).resolve(): r for r in rows}
        for d in self.runs:
            r = by_file[d["file"].resolve()]
            self.assertEqual((r["status"], r["arm"], int(r["depth"]), int(r["seed"])),
                             (d["status"], d["arm"], d["depth"], d["seed"]))
            self.assertEqual(float(r["test_error"]), d["test_error"])
        cols, rows = read_csv(out / "epochs.csv")
        self.assertEqual(cols[:7], ["run_id", "epoch", "train_loss", "train_error", "valid_loss",
                                    "valid_error", "wall_time_s"])
        self.assertEqual(len(rows), sum(d["n_epochs"] for d in self.runs))
        self.assertEqual(min(int(r["epoch"]) for r in rows), 1)
        cols, rows = read_csv(out / "steps.csv")
        self.assertEqual(cols, ["run_id", "step", "epoch", "layer", "grad_norm_W", "grad_norm_b",
                                "delta_norm", "weight_norm_W", "update_ratio", "act_mean", "act_std",
                                "act_saturated"])
        self.assertEqual(len(rows), sum(d["n_step_rows"] for d in self.runs))
        # one value checked against h5py: run 0, step row 0, last layer
        d = self.runs[0]
        with h5py.File(d["file"], "r") as f:
            g = f["finetune/steps/grad_norm_W"][()]
            rid = str(f.attrs["run_id"])
        L = g.shape[1]
        mine = [r for r in rows if r["run_id"] == rid and int(r["step"]) == 0 and int(r["layer"]) == L - 1]
        self.assertEqual(len(mine), 1)
        self.assertEqual(float(mine[0]["grad_norm_W"]), g[0, L - 1])
        _, rows = read_csv(out / "pretrain.csv")
        self.assertEqual(len(rows), sum(d["n_pretrain"] for d in self.runs))

    def expected_groups(self):
        groups = {}
        for d in self.runs:
            if d["status"] == "complete":
                groups.setdefault((d["arm"], d["depth"]), []).append(d["test_error"])
        return {k: (np.mean(v), np.std(v, ddof=1) if len(v) > 1 else 0.0, len(v)) for k, v in groups.items()}

    def test_summary_numbers_equal_direct(self):
        exp = self.expected_groups()
        self.assertEqual(len(exp), 4)
        p = run_tool("summary", self.res, "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(p.stdout)))
        self.assertEqual(len(rows), len(exp))
        for r in rows:
            mean, sd, n = exp[(r["arm"], int(r["depth"]))]
            self.assertEqual(int(r["n_seeds"]), n)
            self.assertTrue(math.isclose(float(r["test_error_mean"]), mean, rel_tol=1e-12))
            self.assertTrue(math.isclose(float(r["test_error_sd"]), sd, rel_tol=1e-9, abs_tol=1e-15))
        for fmt in ("markdown", "text"):
            text = run_tool("summary", self.res, "--format", fmt).stdout
            for (arm, depth), (mean, sd, n) in exp.items():
                want = f"{100 * mean:.2f} +- {100 * sd:.2f}"
                line = [ln for ln in text.splitlines() if want in ln and arm in ln]
                self.assertTrue(line, f"{fmt}: no line with {arm} d{depth} {want}:\n{text}")
        self.assertIn("| arm | depth |", run_tool("summary", self.res).stdout)

    def test_shard_folders_union(self):
        a, b = self.tmp / "shard_a", self.tmp / "shard_b"
        a.mkdir()
        b.mkdir()
        files = [d["file"] for d in self.runs]
        for i, f in enumerate(files):
            shutil.copy(f, (a if i % 2 else b) / f.name)
        # a stale .partial of a run that is complete in the other shard must not count twice
        shutil.copy(files[0], a / (files[0].name + ".partial"))
        one = run_tool("summary", self.res, "--format", "csv").stdout
        p = run_tool("summary", a, b, "--format", "csv")
        self.assertEqual(p.stdout, one)
        self.assertIn("has 2 files", p.stderr)

    def test_plot(self):
        out = self.tmp / "fig"
        p = run_tool("plot", self.res, "--out", out)
        printed = [pathlib.Path(x) for x in p.stdout.split()]
        for name in FIGURES:
            path = out / name
            self.assertIn(path, printed)
            self.assertGreater(path.stat().st_size, 5000, name)
            self.assertEqual(png_size(path), PNG_SIZE, name)
        p = run_tool("plot", self.res, "--out", out, "--depth", "1")
        self.assertIn(str(out / "grad_norm_by_step_d1.png"), p.stdout)
        self.assertEqual(png_size(out / "grad_norm_by_step_d1.png"), PNG_SIZE)
        p = run_tool("plot", self.res, "--out", out, "--depth", "7", ok=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--depth 7", p.stderr)

    def test_partial_and_corrupt_reported(self):
        bad = self.tmp / "bad"
        bad.mkdir()
        src = [d["file"] for d in self.runs if d["status"] == "complete"]
        shutil.copy(src[0], bad / src[0].name)
        partial = bad / (src[1].name + ".partial")
        shutil.copy(src[1], partial)
        with h5py.File(partial, "r+") as f:
            f.attrs["status"] = "diverged"
            del f["summary"]
        (bad / "x.h5").write_bytes(os.urandom(4096))
        pid = pathlib.Path(src[1].name).name[: -len(".h5")]
        out = self.tmp / "bad_csv"
        p = run_tool("collect", bad, "--out", out)
        self.assertIn("unreadable", p.stderr)
        _, rows = read_csv(out / "runs.csv")
        status = {r["run_id"]: r["status"] for r in rows}
        self.assertEqual(len(rows), 3)
        self.assertEqual(status["x"], "unreadable")
        self.assertEqual(status[pid], "diverged")
        for fmt in ("markdown", "text"):
            p = run_tool("summary", bad, "--format", fmt)
            self.assertIn("x.h5: unreadable", p.stdout)
            self.assertIn(f"{pid} (diverged)", p.stdout)
        p = run_tool("plot", bad, "--out", self.tmp / "bad_fig")
        self.assertIn("unreadable", p.stderr)
        self.assertTrue((self.tmp / "bad_fig" / "test_error_vs_depth.png").is_file())
        # a folder of nothing but garbage: reported, no traceback
        only = self.tmp / "only_bad"
        only.mkdir()
        (only / "y.h5.partial").write_bytes(b"garbage")
        p = run_tool("summary", only)
        self.assertIn("y.h5.partial: unreadable", p.stdout)
        p = run_tool("plot", only, ok=False)
        self.assertEqual(p.returncode, 2)
        self.assertNotIn("Traceback", p.stderr)

    def test_killed_partial_from_writer(self):
        writer = find_exe("lw_write_sample_results")
        if not writer:
            self.skipTest("no sample writer")
        k = self.tmp / "killed"
        subprocess.run([writer, str(k), "--kill"], capture_output=True)
        self.assertTrue((k / "killed.h5.partial").is_file())
        p = run_tool("collect", k)
        _, rows = read_csv(k / "runs.csv")
        self.assertEqual([(r["run_id"], r["status"], r["test_error"]) for r in rows], [("killed", "running", "")])
        self.assertGreaterEqual(len(read_csv(k / "epochs.csv")[1]), 3)
        self.assertIn("killed (running)", run_tool("summary", k).stdout)


if __name__ == "__main__":
    prog = unittest.main(argv=[sys.argv[0]], exit=False, verbosity=2)
    res = prog.result
    failed = len(res.failures) + len(res.errors)
    print(f"{res.testsRun - failed - len(res.skipped)} passed, {failed} failed"
          + (f", {len(res.skipped)} skipped" if res.skipped else ""))
    sys.exit(1 if failed or not res.wasSuccessful() else 0)
