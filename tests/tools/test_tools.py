#!/usr/bin/python3
"""Tests of tools/analysis/collect, summary, plot and the lwresults package next to them, and of
tools/bench/torch_epoch's option checks (plain unittest, Debian's /usr/bin/python3).

Usage: test_tools.py [BIN_DIR_OR_SAMPLE_WRITER]
The results folder is built with depth_sweep when $LW_BIN_DIR/depth_sweep exists (a tiny blobs
sweep: depths 1,2 x arms uniform,xavier x seeds 1,2), else from the sample writer
($LW_SAMPLE_WRITER, argv[1], or $LW_BIN_DIR/lw_write_sample_results): its one run is copied to
d{1,2}-sigmoid-w3-{uniform,xavier}-s0{1,2}.h5 with the run.* config, seed and test error changed
with h5py. Expected numbers are always computed directly from the files with h5py. Prints "N
passed, M failed" last and exits non-zero on any failure.
"""
import csv
import io
import math
import os
import pathlib
import re
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
ANALYSIS = SRC / "tools" / "analysis"  # collect, summary, plot and the lwresults package
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


def run_tool(tool, *args, ok=True, env=None):
    """Runs tools/analysis/<tool>, or tools/<tool> when tool holds a folder (bench/torch_epoch)."""
    path = SRC / "tools" / tool if "/" in tool else ANALYSIS / tool
    p = subprocess.run([PY, str(path), *map(str, args)], capture_output=True, text=True,
                       timeout=600, env=env)
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
                run_id = f"d{depth}-sigmoid-w3-{arm}-s{seed:02d}"
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
    """Reads every run file with h5py directly (independent of the lwresults package)."""
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
        for tool in ("collect", "summary", "plot"):
            p = run_tool(tool, "--help")
            self.assertIn("usage:", p.stdout)
        env = dict(os.environ, PYTHONPATH=str(ANALYSIS))
        p = subprocess.run([PY, "-m", "lwresults", "--help"], capture_output=True, text=True, env=env)
        self.assertIn("usage:", p.stdout)
        p = subprocess.run([PY, "-m", "lwresults", self.res], capture_output=True, text=True, env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(p.stdout.splitlines()), len(self.runs) + 1)  # header + one per file

    def test_package_imports_plainly_and_documents_its_api(self):
        # the commands import the package next to them with a plain `import lwresults`
        files = [ANALYSIS / t for t in ("collect", "summary", "plot")]
        files += sorted((ANALYSIS / "lwresults").glob("*.py"))
        edit = re.compile(r"sys\.path\s*(\.\s*(insert|append|extend)\b|\+?=|\[)")
        for f in files:
            self.assertIsNone(edit.search(f.read_text()), f"{f} edits sys.path")
        for t in ("collect", "summary", "plot"):
            self.assertIn("\nimport lwresults as lw", (ANALYSIS / t).read_text(), t)
        env = dict(os.environ, PYTHONPATH=str(ANALYSIS))
        code = "import lwresults as lw; print(' '.join(lw.__all__)); print(lw.__doc__)"
        p = subprocess.run([PY, "-c", code], capture_output=True, text=True, env=env, cwd=self.tmp)
        self.assertEqual(p.returncode, 0, p.stderr)
        names, _, doc = p.stdout.partition("\n")
        for name in names.split():
            self.assertIn(name, doc, f"{name} is exported but not in the package docstring")
        self.assertNotIn("dedup", p.stdout)

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
                                "stopped_early", "total_wall_time_s", "experiment", "created_utc",
                                "n_labeled"])  # a sweep without --grid/--search: no axis columns
        self.assertEqual(len(rows), len(self.runs))
        by_file = {pathlib.Path(r["file"]).resolve(): r for r in rows}
        for d in self.runs:
            r = by_file[d["file"].resolve()]
            self.assertEqual((r["status"], r["arm"], int(r["depth"]), int(r["seed"])),
                             (d["status"], d["arm"], d["depth"], d["seed"]))
            self.assertEqual(float(r["test_error"]), d["test_error"])
            with h5py.File(d["file"], "r") as f:  # /data n_labeled, else n_train
                want = f["data"].attrs.get("n_labeled", f["data"].attrs["n_train"])
            self.assertEqual(int(r["n_labeled"]), int(want))
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
        cols, rows = read_csv(out / "pretrain.csv")
        self.assertEqual(cols, ["run_id", "layer", "epoch", "loss", "valid_loss"])
        self.assertEqual(len(rows), sum(d["n_pretrain"] for d in self.runs))

    def expected_groups(self):
        groups = {}
        for d in self.runs:
            if d["status"] == "complete":
                groups.setdefault((d["arm"], d["depth"]), []).append(d["test_error"])
        return {k: (np.mean(v), np.std(v, ddof=1) if len(v) > 1 else math.nan, len(v)) for k, v in groups.items()}

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
            if n == 1:  # the sd of one value is undefined (was 0, shown "+- 0.00")
                self.assertTrue(math.isnan(float(r["test_error_sd"])), r)
            else:
                self.assertTrue(math.isclose(float(r["test_error_sd"]), sd, rel_tol=1e-9, abs_tol=1e-15))
        for fmt in ("markdown", "text"):
            text = run_tool("summary", self.res, "--format", fmt).stdout
            for (arm, depth), (mean, sd, n) in exp.items():
                want = f"{100 * mean:.2f}" + ("" if n == 1 else f" +- {100 * sd:.2f}")
                line = [ln for ln in text.splitlines() if want in ln and arm in ln]
                self.assertTrue(line, f"{fmt}: no line with {arm} d{depth} {want}:\n{text}")
        self.assertIn("| arm | depth |", run_tool("summary", self.res).stdout)

    def test_text_format_has_no_trailing_spaces(self):
        out = run_tool("summary", self.res, "--format", "text", "--grad-ratio").stdout
        self.assertIn("depth", out)
        self.assertEqual([ln for ln in out.splitlines() if ln != ln.rstrip()], [])

    def test_grad_ratio_equals_direct(self):
        want = {}
        for d in self.runs:
            if d["status"] != "complete":
                continue
            with h5py.File(d["file"], "r") as f:
                steps = f["finetune/steps/step"][()]
                g = f["finetune/steps/grad_norm_W"][()][list(steps).index(0)]
            want.setdefault((d["arm"], d["depth"]), []).append(math.log10(g[0] / g[-1]))
        p = run_tool("summary", self.res, "--grad-ratio", "--format", "csv")
        table = p.stdout.split("\n\n")[1]  # after the test-error csv and a blank line
        rows = list(csv.reader(io.StringIO(table)))
        depths = [int(x) for x in rows[0][1:]]
        checked = 0
        for r in rows[1:]:
            for depth, cell in zip(depths, r[1:]):
                if (r[0], depth) in want:
                    self.assertTrue(math.isclose(float(cell), 10 ** np.mean(want[(r[0], depth)]),
                                                 rel_tol=1e-9), (r[0], depth, cell))
                    checked += 1
        self.assertEqual(checked, len(want))
        self.assertIn("||dL/dW_0|| / ||dL/dW_out||", run_tool("summary", self.res, "--grad-ratio").stdout)

    def test_shard_folders_union(self):
        a, b = self.tmp / "shard_a", self.tmp / "shard_b"
        a.mkdir()
        b.mkdir()
        files = [d["file"] for d in self.runs]
        for i, f in enumerate(files):
            shutil.copy(f, (a if i % 2 else b) / f.name)
        one = run_tool("summary", self.res, "--format", "csv").stdout
        self.assertEqual(run_tool("summary", a, b, "--format", "csv").stdout, one)
        # a stale .partial of a run that is complete in the other shard: noted, shown as not
        # complete in its group, and not a seed (files are never merged)
        stale = a / (files[0].name + ".partial")
        shutil.copy(files[0], stale)
        rid = run_id_of_file(files[0])
        p = run_tool("summary", a, b, "--format", "csv")
        self.assertIn(f"note: run {rid} has 2 files", p.stderr)
        want = {(r["arm"], r["depth"]): r for r in csv.DictReader(io.StringIO(one))}
        got = list(csv.DictReader(io.StringIO(p.stdout)))
        self.assertEqual(len(got), len(want))
        for r in got:
            w = want[(r["arm"], r["depth"])]
            for k in ("n_seeds", "test_error_mean", "test_error_sd", "missing_seeds"):
                self.assertEqual(r[k], w[k], k)
            if f"{rid} (complete but .partial)" in r["not_complete"]:
                self.assertEqual(int(r["n_not_complete"]), int(w["n_not_complete"]) + 1)
        self.assertEqual(sum(f"{rid} (complete but .partial)" in r["not_complete"] for r in got), 1)

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
            self.assertNotIn("+-", p.stdout)  # one seed: the mean alone (was "+- 0.00")
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

    def test_arbitrary_bytes_and_odd_contents_never_crash_the_readers(self):
        """A run file mutated at random, 400 times (seeded): bytes flipped, overwritten, zeroed or
        cut; or, through h5py, attributes retyped, datasets deleted, reshaped or filled with NaN,
        inf and huge values. lwresults reads each beside an intact run: the bad one is a row
        (unreadable, or with what could be read), never an exception; the tables and the group
        summary are built; a sample goes through collect, summary and plot. About 6 % of these
        files crash (SIGSEGV) or hang Debian's HDF5 itself: lwresults reads in a child process
        (lwresults/isolated.py), so they show as unreadable. LW_MUTATION_TRACE=PREFIX keeps each
        mutated file as PREFIX.<i> for reproducing a failure."""
        os.environ["LW_READ_TIMEOUT"] = "2"  # for the hangs; read by lwresults at each call
        self.addCleanup(os.environ.pop, "LW_READ_TIMEOUT", None)
        sys.path.insert(0, str(ANALYSIS))
        import lwresults as lw
        rng = np.random.default_rng(25)
        good = sorted(self.res.rglob("*.h5"))
        src_bytes = good[0].read_bytes()
        work = self.tmp / "mutated"

        def structural(path):
            with h5py.File(path, "r+") as f:
                names = []
                f.visit(names.append)
                objs = [n for n in names] + [""]
                target = objs[int(rng.integers(len(objs)))]
                obj = f[target] if target else f
                kind = int(rng.integers(6))
                if kind == 0 and obj.attrs:
                    key = list(obj.attrs)[int(rng.integers(len(obj.attrs)))]
                    obj.attrs[key] = ["", "abc", "-1", "1e400"][int(rng.integers(4))]
                elif kind == 1 and obj.attrs:
                    key = list(obj.attrs)[int(rng.integers(len(obj.attrs)))]
                    values = [np.int64(-7), np.float64(np.nan), np.float64(np.inf), np.zeros(3), np.int64(2**62)]
                    obj.attrs[key] = values[int(rng.integers(len(values)))]
                elif kind == 2 and target:
                    del f[target]
                elif kind == 3 and isinstance(obj, h5py.Dataset):
                    shape = tuple(int(x) for x in rng.integers(0, 4, size=int(rng.integers(0, 3))))
                    del f[target]
                    f.create_dataset(target, data=np.full(shape, [np.nan, np.inf, 1e300, -1.0][int(rng.integers(4))]))
                elif kind == 4 and isinstance(obj, h5py.Dataset) and obj.dtype.kind == "f" and obj.size:
                    data = obj[()]
                    data.flat[int(rng.integers(data.size))] = [np.nan, np.inf, -np.inf, 1e38][int(rng.integers(4))]
                    obj[()] = data
                elif kind == 5 and target:
                    f[target + "_x"] = np.array([b"text"])
                    del f[target]
                    f[target] = np.array([b"text"])

        isolated = 0
        for i in range(400):
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            shutil.copy(good[1], work / good[1].name)
            bad = work / good[0].name
            data = bytearray(src_bytes)
            kind = i % 5
            if kind == 4:
                bad.write_bytes(bytes(data))
                structural(bad)
            else:
                n = len(data)
                if kind == 0:
                    for _ in range(int(rng.integers(1, 64))):
                        data[int(rng.integers(n))] ^= 1 << int(rng.integers(8))
                elif kind == 1:
                    a = int(rng.integers(n))
                    data[a:a + 256] = rng.integers(0, 256, size=len(data[a:a + 256]), dtype=np.uint8).tobytes()
                elif kind == 2:
                    a = int(rng.integers(n))
                    data[a:a + 4096] = bytes(len(data[a:a + 4096]))
                else:
                    data = data[:int(rng.integers(n))]
                bad.write_bytes(bytes(data))
            if os.environ.get("LW_MUTATION_TRACE"):
                print("mutation", i, kind, file=sys.stderr, flush=True)
                shutil.copy(bad, f"{os.environ['LW_MUTATION_TRACE']}.{i}")
            with self.subTest(mutation=i, kind=kind):
                runs = lw.read_runs([work], warn=None)
                self.assertEqual(len(runs), 2)
                intact = [r for r in runs if r["file"].endswith(good[1].name)]
                self.assertEqual(intact[0]["status"], "complete")
                table = lw.run_table(runs)
                self.assertEqual(len(table), 2)
                lw.epoch_table(runs), lw.step_table(runs), lw.pretrain_table(runs)
                g = lw.group_summary(table)
                self.assertGreaterEqual(int(g["n_seeds"].sum()), 1)
                bad_run = [r for r in runs if r is not intact[0]][0]
                if bad_run["error"] and "HDF5 crashed" in bad_run["error"]:
                    isolated += 1
                if i % 100 == 4:  # the tools themselves, on a structural mutation
                    for tool, args in (("collect", ["--out", self.tmp / "mut_csv"]), ("summary", []),
                                       ("plot", ["--out", self.tmp / "mut_fig"])):
                        p = run_tool(tool, work, *args, ok=False)
                        self.assertIn(p.returncode, (0, 2), f"{tool}:\n{p.stderr}")
                        self.assertNotIn("Traceback", p.stderr)
        self.assertGreater(isolated, 0, "no mutation crashed HDF5: the isolation went untested")

    def test_a_complete_file_without_a_numeric_test_error_is_unreadable_not_a_seed(self):
        # Before: a string test_error crashed summary and plot with a traceback, and a complete
        # file without /summary was counted as a seed.
        src = [d["file"] for d in self.runs if d["status"] == "complete"]
        bad = self.tmp / "bad_summary"
        text = copy_run(src[0], bad / src[0].name, test_error="0.25")
        gone = copy_run(src[1], bad / src[1].name)
        with h5py.File(gone, "r+") as f:
            del f["summary"]
        lw = import_lwresults()
        runs = {pathlib.Path(r["file"]).name: r for r in lw.read_runs([bad], warn=None)}
        self.assertEqual(runs[text.name]["status"], "unreadable")
        self.assertIn("test_error is '0.25', not a number", runs[text.name]["error"])
        self.assertEqual(runs[gone.name]["status"], "unreadable")
        self.assertIn("test_error is missing", runs[gone.name]["error"])
        for tool in ("summary", "plot"):
            p = run_tool(tool, bad, *(["--out", self.tmp / "bad_summary_fig"] if tool == "plot" else []), ok=None)
            self.assertNotIn("Traceback", p.stderr, tool)
        p = run_tool("summary", bad)
        self.assertIn(f"{text.name}: unreadable", p.stdout)
        self.assertIn(f"{gone.name}: unreadable", p.stdout)

    def test_folders_made_with_other_options_are_refused_not_averaged(self):
        # Before: summary A/x B/x averaged runs of different configurations into one row.
        src = [d["file"] for d in self.runs if d["status"] == "complete"]
        a = copy_run(src[0], self.tmp / "mixA" / "x" / src[0].name)
        b = copy_run(src[0], self.tmp / "mixB" / "x" / src[0].name, config={"finetune.learning_rate": 0.05},
                     root={"seed": 99})
        for tool in ("summary", "plot"):
            p = run_tool(tool, a.parent, b.parent, ok=False)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("finetune.learning_rate", p.stderr)
            self.assertIn(str(a), p.stderr + p.stdout)
            self.assertNotIn("Traceback", p.stderr)
        # shards of one sweep differ only in --shard: merged as before
        c = copy_run(src[0], self.tmp / "mixC" / "x" / src[0].name, config={"shard": "1/2"})
        run_tool("summary", a.parent, c.parent)

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


def run_id_of_file(path):
    with h5py.File(path, "r") as f:
        return str(f.attrs["run_id"])


def copy_run(src, dst, run_id=None, root=None, config=None, test_error=None, status=None):
    """Copies a run file and edits it with h5py: root attrs, /config attrs, summary test error."""
    dst = pathlib.Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, dst)
    with h5py.File(dst, "r+") as f:
        if run_id is not None:
            f.attrs["run_id"] = run_id
        for k, v in (root or {}).items():
            f.attrs[k] = v
        for k, v in (config or {}).items():
            f["config"].attrs[k] = v
        if test_error is not None:
            f["summary"].attrs["test_error"] = test_error
        if status is not None:
            f.attrs["status"] = status
    return dst


def png_text(path):
    """tEXt chunks of a PNG as a dict."""
    data = pathlib.Path(path).read_bytes()
    pos, out = 8, {}
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"tEXt":
            k, _, v = data[pos + 8:pos + 8 + n].partition(b"\0")
            out[k.decode("latin-1")] = v.decode("latin-1")
        pos += 12 + n
    return out


def import_lwresults():
    """The package tools/analysis/lwresults, imported as `lwresults` in this process (what
    `import lwresults` gives the commands, which run from its folder; sys.path is left alone)."""
    import importlib.util
    if "lwresults" not in sys.modules:
        pkg = ANALYSIS / "lwresults"
        spec = importlib.util.spec_from_file_location("lwresults", pkg / "__init__.py",
                                                      submodule_search_locations=[str(pkg)])
        mod = importlib.util.module_from_spec(spec)
        sys.modules["lwresults"] = mod
        spec.loader.exec_module(mod)
    return sys.modules["lwresults"]


def load_plot_module():
    from importlib.machinery import SourceFileLoader
    import importlib.util
    import_lwresults()  # plot's `import lwresults`
    loader = SourceFileLoader("lw_plot_tool", str(ANALYSIS / "plot"))
    spec = importlib.util.spec_from_loader("lw_plot_tool", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


class ReviewFixesTest(unittest.TestCase):
    """The reviewer's findings and the format's changes: a run's spec from /config (run ids only
    as a fallback; runs never merged), schema 1 and 2 pretraining tables, pooled
    activations/widths, several experiments, non-run HDF5 files, markers/offsets and log tick
    labels."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="lw_tools_review_"))
        cls.res = cls.tmp / "res"
        cls.res.mkdir()
        cls.how = build_folder(cls.res)
        cls.runs = [d for d in direct_runs(cls.res) if d["status"] == "complete"]
        with h5py.File(cls.runs[0]["file"], "r") as f:
            c = f["config"].attrs
            cls.act, cls.width = str(c["run.activation"]), int(c["run.width"])
            cls.exp = str(f.attrs["experiment"])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def copy_all(self, folder, **kw):
        for d in self.runs:
            copy_run(d["file"], pathlib.Path(folder) / d["file"].name, **kw)

    def summary_csv(self, *dirs):
        p = run_tool("summary", *dirs, "--format", "csv")
        return list(csv.DictReader(io.StringIO(p.stdout))), p

    def collect_runs(self, folder):
        out = pathlib.Path(folder) / "_csv"
        run_tool("collect", folder, "--out", out)
        return {r["run_id"]: r for r in read_csv(out / "runs.csv")[1]}

    def test_spec_from_config_and_no_merging(self):
        # the run id says something else: the spec is /config's run.*, and the copy is a run of
        # its own (one more seed of the same group), never merged with the original
        d = self.runs[0]
        folder = self.tmp / "spec_config"
        self.copy_all(folder)
        want, _ = self.summary_csv(folder)
        copy_run(d["file"], folder / "d9-relu-w7-other-s99.h5", run_id="d9-relu-w7-other-s99",
                 test_error=0.9)
        rows = self.collect_runs(folder)
        r = rows["d9-relu-w7-other-s99"]
        self.assertEqual((r["arm"], int(r["depth"]), r["activation"], int(r["width"]), int(r["seed"])),
                         (d["arm"], d["depth"], self.act, self.width, d["seed"]))
        got, p = self.summary_csv(folder)
        self.assertNotIn("duplicate", p.stderr)
        row = next(r for r in got if (r["arm"], int(r["depth"])) == (d["arm"], d["depth"]))
        old = next(r for r in want if (r["arm"], int(r["depth"])) == (d["arm"], d["depth"]))
        self.assertEqual(int(row["n_seeds"]), int(old["n_seeds"]) + 1)
        errs = [x["test_error"] for x in self.runs if (x["arm"], x["depth"]) == (d["arm"], d["depth"])]
        self.assertTrue(math.isclose(float(row["test_error_mean"]), np.mean(errs + [0.9]), rel_tol=1e-12))
        self.assertEqual(sum(int(r["n_seeds"]) for r in got), len(self.runs) + 1)

    def test_spec_from_run_id_without_config(self):
        # files without run.* (not written by the sweep): the run id's three forms
        d = self.runs[0]
        folder = self.tmp / "spec_id"
        cases = {"d3-sigmoid-w500-xavier-s02": ("xavier", 3, "sigmoid", 500, 2),
                 "d4-uniform-s07": ("uniform", 4, None, None, 7),
                 "d2-tanh-w1000-dae-s11": ("dae", 2, "tanh", 1000, 11)}
        for rid in cases:
            dst = copy_run(d["file"], folder / f"{rid}.h5", run_id=rid)
            with h5py.File(dst, "r+") as f:
                for k in ("arm", "depth", "activation", "width", "seed"):
                    del f["config"].attrs[f"run.{k}"]
        rows = self.collect_runs(folder)
        for rid, (arm, depth, act, width, seed) in cases.items():
            r = rows[rid]
            self.assertEqual((r["arm"], int(r["depth"]), int(r["seed"])), (arm, depth, seed), rid)
            if act is not None:  # the id names them; else /network's
                self.assertEqual((r["activation"], int(r["width"])), (act, width), rid)
            else:
                self.assertEqual((r["activation"], int(r["width"])), (self.act, self.width), rid)

    def test_pretrain_table_schema_1_and_2(self):
        d = self.runs[0]
        folder = self.tmp / "schemas"
        v1 = copy_run(d["file"], folder / "v1.h5", run_id="v1")
        v2 = copy_run(d["file"], folder / "v2.h5", run_id="v2")
        v2_loss = {0: [0.5, 0.25], 1: [0.125, float("nan")]}
        for path, version in ((v1, 1), (v2, 2)):
            with h5py.File(path, "r+") as f:
                f.attrs["schema_version"] = np.int64(version)
                if "pretrain" in f:
                    del f["pretrain"]
                for layer in (0, 1):
                    g = f.create_group(f"pretrain/layer_{layer:02d}")
                    g["epoch"] = np.array([1, 2], dtype=np.int64)
                    g["loss"] = np.array([0.7, 0.6]) + layer
                    g.attrs["scheme"] = "dae"
                    if version == 1:  # options as strings under dotted keys
                        g.attrs["pretrain.corruption"] = "0.25"
                        g.attrs["pretrain.tied"] = "true"
                    else:  # typed values under the option's short key, and valid_loss
                        g["valid_loss"] = np.array(v2_loss[layer])
                        g.attrs["corruption"] = 0.25
                        g.attrs["tied"] = True
                        g.attrs["epochs"] = np.int64(2)
        out = self.tmp / "schemas_csv"
        run_tool("collect", folder, "--out", out)
        cols, rows = read_csv(out / "pretrain.csv")
        self.assertEqual(cols, ["run_id", "layer", "epoch", "loss", "valid_loss"])
        got = {(r["run_id"], int(r["layer"]), int(r["epoch"])): (float(r["loss"]), r["valid_loss"])
               for r in rows}
        self.assertEqual(len(got), 8)
        for layer in (0, 1):
            for e in (1, 2):
                loss = [0.7, 0.6][e - 1] + layer
                self.assertEqual(got[("v1", layer, e)], (loss, ""))
                self.assertEqual(got[("v2", layer, e)][0], loss)
                want, valid = v2_loss[layer][e - 1], got[("v2", layer, e)][1]
                if math.isnan(want):
                    self.assertEqual(valid, "")
                else:
                    self.assertEqual(float(valid), want)
        lw = import_lwresults()
        t = lw.pretrain_table([lw.read_run(v1), lw.read_run(v2)])
        self.assertEqual(list(t.columns), lw.PRETRAIN_COLUMNS)
        self.assertTrue(t.loc[t["run_id"] == "v1", "valid_loss"].isna().all())
        self.assertEqual(t.loc[t["run_id"] == "v2", "valid_loss"].notna().sum(), 3)

    def test_plot_keeps_activation_and_width_apart(self):
        folder = self.tmp / "acts"
        self.copy_all(folder)
        for d in self.runs:
            rid = f"d{d['depth']}-tanh-w{self.width}-{d['arm']}-s{d['seed']:02d}"
            copy_run(d["file"], folder / f"{rid}.h5", run_id=rid, config={"run.activation": "tanh"})
        out = self.tmp / "acts_fig"
        p = run_tool("plot", folder, "--out", out)
        printed = {pathlib.Path(x).name for x in p.stdout.split()}
        for act in (self.act, "tanh"):
            sfx = f"_{act}_w{self.width}"
            for base in ("grad_norm_by_step_d2", "grad_norm_at_init", "learning_curves", "saturation"):
                name = base + sfx + ".png"
                self.assertIn(name, printed)
                self.assertEqual(png_size(out / name), PNG_SIZE)
                title = png_text(out / name)["Title"]
                self.assertIn(act, title)
                self.assertIn(f"width {self.width}", title)
        for pooled in ("grad_norm_by_step_d2.png", "grad_norm_at_init.png", "learning_curves.png",
                       "saturation.png"):
            self.assertNotIn(pooled, printed)
        title = png_text(out / "test_error_vs_depth.png")["Title"]
        self.assertIn("tanh", title)
        self.assertIn(self.act, title)
        # one (activation, width): no suffix, but titles still name both
        out1 = self.tmp / "one_fig"
        run_tool("plot", self.res, "--out", out1)
        for name in FIGURES:
            title = png_text(out1 / name)["Title"]
            self.assertIn(f"{self.act}, width {self.width}", title, name)
        # summary keeps them apart as well
        got, _ = self.summary_csv(folder)
        self.assertEqual({r["activation"] for r in got}, {self.act, "tanh"})

    def test_grad_ratio_keeps_activations_apart(self):
        # Every run copied as a tanh run whose step-0 layer-0 gradient norm is 10 times larger:
        # the ratio table must show one row per (arm, activation), tanh 10 times the original.
        folder = self.tmp / "ratio_acts"
        self.copy_all(folder)
        for d in self.runs:
            rid = f"d{d['depth']}-tanh-w{self.width}-{d['arm']}-s{d['seed']:02d}"
            dst = copy_run(d["file"], folder / f"{rid}.h5", run_id=rid, config={"run.activation": "tanh"})
            with h5py.File(dst, "r+") as f:
                steps = list(f["finetune/steps/step"][()])
                g = f["finetune/steps/grad_norm_W"]
                row = g[steps.index(0)]
                row[0] *= 10
                g[steps.index(0)] = row
        p = run_tool("summary", folder, "--grad-ratio", "--format", "csv")
        rows = list(csv.reader(io.StringIO(p.stdout.split("\n\n")[1])))
        self.assertEqual(rows[0][:2], ["arm", "activation"])
        cells = {(r[0], r[1]): [float(x) for x in r[2:] if x] for r in rows[1:]}
        arms = {d["arm"] for d in self.runs}
        self.assertEqual(set(cells), {(a, act) for a in arms for act in (self.act, "tanh")})
        for arm in arms:
            for base, tanh in zip(cells[(arm, self.act)], cells[(arm, "tanh")]):
                self.assertTrue(math.isclose(tanh, 10 * base, rel_tol=1e-9), (arm, base, tanh))
        md = run_tool("summary", folder, "--grad-ratio").stdout
        self.assertIn("| arm | activation | depth", md)

    def test_parent_folder_of_two_experiments(self):
        parent = self.tmp / "parent"
        self.copy_all(parent / "exp_a")
        self.copy_all(parent / "exp_b", root={"experiment": "other_exp"})
        got, _ = self.summary_csv(parent)
        self.assertEqual({r["experiment"] for r in got}, {self.exp, "other_exp"})
        self.assertEqual(len(got), 2 * len(self.expected_groups()))
        self.assertEqual(sum(int(r["n_seeds"]) for r in got), 2 * len(self.runs))
        self.assertTrue(all(r["missing_seeds"] == "" for r in got))
        self.assertIn("| experiment | arm | depth |", run_tool("summary", parent).stdout)
        # one experiment: no experiment column
        self.assertNotIn("experiment", self.summary_csv(parent / "exp_a")[0][0])
        p = run_tool("plot", parent, "--out", self.tmp / "parent_fig", ok=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("2 experiments", p.stderr)
        self.assertIn("one experiment folder", p.stderr)
        self.assertNotIn("Traceback", p.stderr)
        self.assertFalse((self.tmp / "parent_fig" / "test_error_vs_depth.png").exists())

    def expected_groups(self):
        return {(d["arm"], d["depth"]) for d in self.runs}

    def test_non_run_hdf5_files_ignored(self):
        parent = self.tmp / "nonrun"
        folder = parent / "exp"
        self.copy_all(folder)
        d = self.runs[0]
        rid = d["file"].name[:-3]
        for path in (folder / "models" / f"{rid}.h5", folder / f"{rid}.model.h5"):
            path.parent.mkdir(parents=True, exist_ok=True)
            with h5py.File(path, "w") as f:
                f.attrs["format"] = "layerwise-network"
                f.attrs["format_version"] = np.int64(1)
                f.create_dataset("layer_00/W", data=np.zeros((3, 2)))
        for path in (folder / "stacks" / "0123456789abcdef.h5", folder / "copied_stack.h5"):  # stored stacks
            path.parent.mkdir(parents=True, exist_ok=True)
            with h5py.File(path, "w") as f:
                f.attrs["format"] = "layerwise-stack"
                f.attrs["format_version"] = np.int64(1)
                f.create_dataset("layer_00/W", data=np.zeros((3, 2)))
        with h5py.File(folder / "gradient_probe.h5", "w") as f:
            f.attrs["experiment"] = self.exp
            f.create_dataset("probe/sigmoid/xavier/depth_01/grad_norm_W", data=np.ones(2))
        (folder / "junk.h5").write_bytes(os.urandom(2048))
        for target in (folder, parent):
            out = self.tmp / "nonrun_csv"
            p = run_tool("collect", target, "--out", out)
            _, rows = read_csv(out / "runs.csv")
            self.assertEqual(len(rows), len(self.runs) + 1, target)
            self.assertEqual([r["run_id"] for r in rows if r["status"] == "unreadable"], ["junk"])
            for text in (p.stdout + p.stderr, run_tool("summary", target).stdout):
                self.assertIn("junk.h5", text)
                for name in ("gradient_probe", "model", "layer_00", "stack"):
                    self.assertNotIn(name, text)
            got, _ = self.summary_csv(target)
            self.assertEqual(sum(int(r["n_seeds"]) for r in got), len(self.runs))
            p = run_tool("plot", target, "--out", self.tmp / "nonrun_fig")
            self.assertNotIn("gradient_probe", p.stderr)
        # a folder holding only non-run files has no runs
        only = self.tmp / "only_probe"
        only.mkdir()
        shutil.copy(folder / "gradient_probe.h5", only)
        p = run_tool("summary", only, ok=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("no run files", p.stderr)

    def test_markers_offsets_and_log_ticks(self):
        import pandas as pd
        plot = load_plot_module()
        g = pd.DataFrame({"arm": ["uniform", "uniform", "xavier", "xavier"], "depth": [1, 2, 1, 2],
                          "n_seeds": [2, 2, 2, 2], "test_error_mean": [0.1, 0.2, 0.1, 0.2],
                          "test_error_sd": [0.01] * 4})
        fig, ax = plot.fig_test_error_vs_depth(g, "t")
        data_lines = [c.lines[0] for c in ax.containers]
        self.assertEqual(len(data_lines), 2)
        self.assertNotEqual(data_lines[0].get_marker(), data_lines[1].get_marker())
        x0, x1 = (np.asarray(ln.get_xdata(), dtype=float) for ln in data_lines)
        self.assertTrue(np.all(x0 != x1))
        self.assertTrue(np.all(np.abs(x0 - [1, 2]) < 0.2) and np.all(np.abs(x1 - [1, 2]) < 0.2))
        plot.plt.close(fig)
        for vals in ([0.31, 0.52], [0.6, 0.95], [2e-9, 3.0], [0.011, 0.019]):
            fig, (ax,) = plot.new_fig(1)
            ax.plot([0, 1], vals)
            plot.set_log_axis(ax, vals)
            fig.canvas.draw()
            lo, hi = ax.get_ylim()
            labels = [t.get_text() for t in ax.get_yticklabels()
                      if t.get_text() and lo <= t.get_position()[1] <= hi]
            self.assertGreaterEqual(len(labels), 2, f"{vals}: {labels}")
            self.assertLessEqual(len(labels), 15, f"{vals}: {labels}")
            plot.plt.close(fig)


def sweep_with_axes(folder, *extra):
    """A tiny depth_sweep (bars_stripes, width 16, 2 epochs) into folder/axes; extra: more options.
    Returns the experiment folder, or None without depth_sweep."""
    exe = find_exe("depth_sweep")
    if not exe:
        return None
    p = subprocess.run([exe, "--experiment", "axes", "--results", str(folder), "--width", "16",
                        "--data.source", "bars_stripes", "--data.n_examples", "300",
                        "--finetune.epochs", "2", "--finetune.batch_size", "10", "--log.every", "1",
                        "--threads", "1", *map(str, extra)], capture_output=True, text=True, timeout=900)
    if p.returncode != 0:
        raise AssertionError(f"depth_sweep failed ({p.returncode}):\n{p.stderr[-3000:]}")
    return pathlib.Path(folder) / "axes"


def direct_axis_runs(folder):
    """Every .h5/.h5.partial of folder read with h5py alone: spec, status, the swept values
    (/config), /data n_labeled, test and validation error, the grid./search. lists."""
    runs = []
    for p in sorted(list(pathlib.Path(folder).glob("*.h5")) + list(pathlib.Path(folder).glob("*.h5.partial"))):
        with h5py.File(p, "r") as f:
            c, s = f["config"].attrs, f["summary"].attrs
            runs.append({"file": p, "status": str(f.attrs["status"]), "arm": str(c["run.arm"]),
                         "depth": int(c["run.depth"]), "seed": int(c["run.seed"]),
                         "lr": float(c["finetune.learning_rate"]), "n_lab_cfg": int(c["data.n_labeled"]),
                         "n_labeled": int(f["data"].attrs["n_labeled"]),
                         "test": float(s["test_error"]), "valid": float(s["best_valid_error"]),
                         "lists": {k: str(v) for k, v in c.items() if k.startswith(("grid.", "search."))}})
    return runs


def setting_stats(runs):
    """(arm, depth, n_labeled) -> {lr: (mean test, mean valid, sd test, n)} over complete runs."""
    acc = {}
    for d in runs:
        if d["status"] == "complete" and d["file"].name.endswith(".h5"):
            acc.setdefault((d["arm"], d["depth"], d["n_lab_cfg"]), {}).setdefault(d["lr"], []).append(d)
    return {g: {lr: (np.mean([d["test"] for d in ds]), np.mean([d["valid"] for d in ds]),
                     np.std([d["test"] for d in ds], ddof=1) if len(ds) > 1 else math.nan, len(ds))
                for lr, ds in by_lr.items()} for g, by_lr in acc.items()}


def rewrite_summary(path, test=None, valid=None):
    with h5py.File(path, "r+") as f:
        if test is not None:
            f["summary"].attrs["test_error"] = np.float64(test)
        if valid is not None:
            f["summary"].attrs["best_valid_error"] = np.float64(valid)


class AxesTest(unittest.TestCase):
    """Schema 3 sweeps with other axes: depth_sweep --grid data.n_labeled=100,30 --search
    finetune.learning_rate=0.2,0.05 (both lists deliberately not in sorted order: "listed first"
    is 100 and 0.2, while file names and numbers sort 0.05 and 30 first): collect's axis columns,
    summary's every-setting rows and --select valid_error, plot's new figures, and schema 2 files."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="lw_tools_axes_"))
        cls.res = sweep_with_axes(cls.tmp / "sweep", "--depths", "1,2", "--inits", "uniform,xavier",
                                  "--seeds", "1-2", "--grid", "data.n_labeled=100,30",
                                  "--search", "finetune.learning_rate=0.2,0.05")
        if cls.res is None:
            raise unittest.SkipTest("no depth_sweep: set LW_BIN_DIR")
        cls.runs = direct_axis_runs(cls.res)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def copy_folder(self, name):
        dst = self.tmp / name
        shutil.copytree(self.res, dst)
        return dst

    def summary_rows(self, folder, *args):
        p = run_tool("summary", folder, "--format", "csv", *args)
        return list(csv.DictReader(io.StringIO(p.stdout)))

    def test_axes_collect_writes_swept_columns(self):
        self.assertEqual(len(self.runs), 32)
        self.assertEqual(self.runs[0]["lists"], {"grid.data.n_labeled": "100,30",
                                                 "search.finetune.learning_rate": "0.2,0.05"})
        out = self.tmp / "axes_csv"
        run_tool("collect", self.res, "--out", out)
        cols, rows = read_csv(out / "runs.csv")
        self.assertEqual(cols[-3:], ["n_labeled", "data.n_labeled", "finetune.learning_rate"])
        by_file = {pathlib.Path(r["file"]).resolve(): r for r in rows}
        self.assertEqual(len(by_file), len(self.runs))
        for d in self.runs:
            r = by_file[d["file"].resolve()]
            self.assertEqual(float(r["finetune.learning_rate"]), d["lr"], r["run_id"])
            self.assertEqual(r["data.n_labeled"], str(d["n_lab_cfg"]), r["run_id"])  # an integer, not 100.0
            self.assertEqual(int(r["n_labeled"]), d["n_labeled"], r["run_id"])
        self.assertEqual({(r["data.n_labeled"], r["finetune.learning_rate"]) for r in rows},
                         {(n, lr) for n in ("100", "30") for lr in ("0.2", "0.05")})
        # the package: each run's axes, kinds, lists and own values
        lw = import_lwresults()
        d = self.runs[0]
        axes = lw.read_run(d["file"])["axes"]
        self.assertEqual({k: (a["kind"], a["values"], a["value"]) for k, a in axes.items()},
                         {"data.n_labeled": ("compared", ["100", "30"], d["n_lab_cfg"]),
                          "finetune.learning_rate": ("searched", ["0.2", "0.05"], d["lr"])})

    def test_axes_summary_without_select_shows_every_setting(self):
        want = setting_stats(self.runs)
        rows = self.summary_rows(self.res)
        self.assertEqual(list(rows[0])[:4], ["arm", "depth", "data.n_labeled", "finetune.learning_rate"])
        self.assertEqual(len(rows), sum(len(v) for v in want.values()))
        self.assertEqual(len(rows), 16)
        for r in rows:
            test, valid, sd, n = want[(r["arm"], int(r["depth"]), int(r["data.n_labeled"]))][
                float(r["finetune.learning_rate"])]
            self.assertTrue(math.isclose(float(r["test_error_mean"]), test, rel_tol=1e-12), r)
            self.assertTrue(math.isclose(float(r["valid_error_mean"]), valid, rel_tol=1e-12), r)
            self.assertEqual((int(r["n_seeds"]), int(r["n_settings"])), (n, 2))
        # within a group, settings in listed order (0.2 before 0.05), groups 100 before 30
        self.assertEqual([(r["data.n_labeled"], r["finetune.learning_rate"]) for r in rows[:4]],
                         [("100", "0.2"), ("100", "0.05"), ("30", "0.2"), ("30", "0.05")])
        md = run_tool("summary", self.res).stdout
        self.assertIn("| arm | depth | data.n_labeled | finetune.learning_rate | test error % |", md)
        self.assertEqual(sum(ln.startswith("| uniform |") for ln in md.splitlines()), 8)

    def test_axes_select_matches_depth_sweep_summary_csv(self):
        # untouched depth_sweep output: Python's choice is the sweep's own (summary.csv selected)
        _, cxx = read_csv(self.res / "summary.csv")
        want = {(r["arm"], r["depth"], r["data.n_labeled"]): r["finetune.learning_rate"]
                for r in cxx if r["selected"] == "true"}
        got = {(r["arm"], r["depth"], r["data.n_labeled"]): r["finetune.learning_rate"]
               for r in self.summary_rows(self.res, "--select", "valid_error")}
        self.assertEqual(len(want), 8)
        self.assertEqual(got, want)

    def disagreeing_folder(self, name):
        """A copy whose /summary attrs were rewritten with h5py (the real runs' errors are too
        close to force it) so that in every group the validation-best and the test-best setting
        differ: n_labeled 100 groups: lr 0.05 valid-best (0.20 vs 0.30) but test-worse (0.60 vs
        0.40); n_labeled 30 groups the other way round. Returns (folder, {group: valid-best lr})."""
        folder = self.copy_folder(name)
        for d in direct_axis_runs(folder):
            good = (d["lr"] == 0.05) == (d["n_lab_cfg"] == 100)  # the valid-best setting
            jitter = 0.001 * d["seed"] + 0.01 * d["depth"]
            rewrite_summary(d["file"], test=(0.60 if good else 0.40) + jitter, valid=(0.20 if good else 0.30) + jitter)
        stats = setting_stats(direct_axis_runs(folder))
        best = {}
        for g, by_lr in stats.items():
            by_valid = min(by_lr, key=lambda lr: by_lr[lr][1])
            by_test = min(by_lr, key=lambda lr: by_lr[lr][0])
            self.assertNotEqual(by_valid, by_test, g)  # the folder really disagrees
            best[g] = by_valid
        return folder, best, stats

    def test_axes_select_valid_error_picks_validation_best_not_test_best(self):
        folder, best, stats = self.disagreeing_folder("disagree")
        rows = self.summary_rows(folder, "--select", "valid_error")
        self.assertEqual(len(rows), len(best))
        self.assertEqual(list(rows[0])[:4], ["arm", "depth", "data.n_labeled", "finetune.learning_rate"])
        for r in rows:
            g = (r["arm"], int(r["depth"]), int(r["data.n_labeled"]))
            lr = float(r["finetune.learning_rate"])
            self.assertEqual(lr, best[g], g)
            test, valid, sd, n = stats[g][lr]
            self.assertTrue(math.isclose(float(r["test_error_mean"]), test, rel_tol=1e-12))
            self.assertTrue(math.isclose(float(r["test_error_sd"]), sd, rel_tol=1e-9))
            self.assertTrue(math.isclose(float(r["valid_error_mean"]), valid, rel_tol=1e-12))
            self.assertEqual((int(r["n_seeds"]), int(r["n_settings"])), (n, 2))
        for fmt in ("markdown", "text"):
            out = run_tool("summary", folder, "--select", "valid_error", "--format", fmt).stdout
            self.assertIn("settings", out)
            rows_out = [ln.replace("|", " ").split() for ln in out.splitlines()
                        if ln.lstrip("| ").startswith(("uniform", "xavier"))]
            self.assertEqual(len(rows_out), 8, out)
            for cells in rows_out:  # arm depth n_labeled lr test-error-mean ...
                g = (cells[0], int(cells[1]), int(cells[2]))
                self.assertEqual(float(cells[3]), best[g], out)
                self.assertEqual(cells[4], f"{100 * stats[g][best[g]][0]:.2f}", out)

    def test_axes_setting_with_a_diverged_run_is_not_selected(self):
        folder, best, _ = self.disagreeing_folder("diverged")
        victim = next(d for d in direct_axis_runs(folder)
                      if (d["arm"], d["depth"], d["n_lab_cfg"]) == ("xavier", 1, 100) and d["lr"] == 0.05)
        partial = victim["file"].with_name(victim["file"].name + ".partial")
        victim["file"].rename(partial)
        with h5py.File(partial, "r+") as f:
            f.attrs["status"] = "diverged"
        rows = {(r["arm"], r["depth"], r["data.n_labeled"]): r
                for r in self.summary_rows(folder, "--select", "valid_error")}
        r = rows[("xavier", "1", "100")]
        self.assertEqual(float(r["finetune.learning_rate"]), 0.2)  # 0.05 has the better mean, but a diverged seed
        self.assertIn(f"{partial.name[:-len('.h5.partial')]} (diverged)", r["not_complete"])
        self.assertEqual(float(rows[("xavier", "2", "100")]["finetune.learning_rate"]), 0.05)

    def test_axes_tie_goes_to_the_setting_listed_first(self):
        # equal mean validation errors everywhere (rewritten with h5py); the test error favours
        # 0.05, which also sorts first by value and by file name; the list is "0.2,0.05"
        folder = self.copy_folder("tie")
        for d in direct_axis_runs(folder):
            rewrite_summary(d["file"], valid=0.25, test=0.1 if d["lr"] == 0.05 else 0.5)
        rows = self.summary_rows(folder, "--select", "valid_error")
        self.assertEqual(len(rows), 8)
        self.assertEqual({r["finetune.learning_rate"] for r in rows}, {"0.2"})
        every = self.summary_rows(folder)
        self.assertEqual({r["finetune.learning_rate"] for r in every if r["selected"] == "True"}, {"0.2"})

    def test_axes_bad_select_exits_2(self):
        for value in ("test_error", "valid", ""):
            p = run_tool("summary", self.res, "--select", value, ok=False)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn(f"--select {value}: unknown criterion", p.stderr)
            self.assertIn("valid_error", p.stderr)
            self.assertNotIn("Traceback", p.stderr)
            self.assertEqual(p.stdout, "")

    def test_axes_plot_writes_labeled_and_search_figures(self):
        folder, _, _ = self.disagreeing_folder("plot_axes")
        out = self.tmp / "axes_fig"
        p = run_tool("plot", folder, "--out", out)
        printed = {pathlib.Path(x).name for x in p.stdout.split()}
        for name in ("test_error_vs_depth.png", "test_error_vs_labeled.png",
                     "valid_error_vs_finetune.learning_rate.png", "learning_curves_data.n_labeled_100.png",
                     "learning_curves_data.n_labeled_30.png", "grad_norm_by_step_d2_data.n_labeled_30.png"):
            self.assertIn(name, printed)
            self.assertEqual(png_size(out / name), PNG_SIZE, name)
            self.assertGreater((out / name).stat().st_size, 5000, name)
        self.assertNotIn("learning_curves.png", printed)  # never n_labeled 100 and 30 averaged
        self.assertIn("selected settings", png_text(out / "test_error_vs_labeled.png")["Title"])
        self.assertIn("finetune.learning_rate", png_text(out / "valid_error_vs_finetune.learning_rate.png")["Title"])
        # one n_labeled only: no labeled figure, the search figure still
        one = self.tmp / "plot_one_labeled"
        one.mkdir()
        for d in direct_axis_runs(folder):
            if d["n_lab_cfg"] == 100:
                shutil.copy(d["file"], one / d["file"].name)
        printed = {pathlib.Path(x).name for x in run_tool("plot", one, "--out", one / "fig").stdout.split()}
        self.assertNotIn("test_error_vs_labeled.png", printed)
        self.assertIn("valid_error_vs_finetune.learning_rate.png", printed)
        self.assertIn("learning_curves.png", printed)

    def test_axes_plot_uses_the_selected_settings(self):
        # test_error_vs_depth.png's points are the selected settings' means (plot's own function
        # on summary --select valid_error's rows; the test-best setting would be 20 points off)
        folder, best, stats = self.disagreeing_folder("plot_selected")
        lw = import_lwresults()
        runs = lw.read_runs([folder], warn=None)
        g = lw.group_summary(runs, select="valid_error")
        plot = load_plot_module()
        fig, ax = plot.fig_test_error_vs_depth(g, "t", extra=["data.n_labeled"], axes=lw.axes_of(runs))
        ys = sorted(round(float(y), 6) for c in ax.containers for y in c.lines[0].get_ydata())
        want = sorted(round(100 * stats[k][best[k]][0], 6) for k in best)
        self.assertEqual(ys, want)
        plot.plt.close(fig)

    def test_axes_scheme_option_axis_is_only_its_arms(self):
        folder = sweep_with_axes(self.tmp / "scheme", "--depths", "1", "--inits", "uniform,dae",
                                 "--seeds", "1", "--grid", "pretrain.dae.corruption=0.3,0.1")
        out = self.tmp / "scheme_csv"
        run_tool("collect", folder, "--out", out)
        cols, rows = read_csv(out / "runs.csv")
        self.assertEqual(cols[-1], "pretrain.dae.corruption")
        self.assertEqual(sorted((r["arm"], r["pretrain.dae.corruption"]) for r in rows),
                         [("dae", "0.1"), ("dae", "0.3"), ("uniform", "")])
        got = [(r["arm"], r["pretrain.dae.corruption"]) for r in self.summary_rows(folder)]
        self.assertEqual(got, [("dae", "0.3"), ("dae", "0.1"), ("uniform", "")])  # listed order

    def test_axes_schema_2_files_summarise_as_before(self):
        # one setting of the sweep made into schema 2 files: no grid./search. attrs, no /data
        # n_labeled (nor the option data.n_labeled, which schema 2 sweeps did not have)
        folder = self.tmp / "schema2"
        folder.mkdir()
        keep = [d for d in self.runs if d["lr"] == 0.2 and d["n_lab_cfg"] == 100]
        for d in keep:
            dst = folder / d["file"].name
            shutil.copy(d["file"], dst)
            with h5py.File(dst, "r+") as f:
                f.attrs["schema_version"] = np.int64(2)
                for k in [k for k in f["config"].attrs if k.startswith(("grid.", "search."))]:
                    del f["config"].attrs[k]
                del f["config"].attrs["data.n_labeled"]
                del f["data"].attrs["n_labeled"]
        p = run_tool("summary", folder, "--format", "csv")
        self.assertEqual(p.stdout.splitlines()[0], "arm,depth,n_seeds,test_error_mean,test_error_sd,"
                         "n_not_complete,not_complete,missing_seeds")
        rows = list(csv.DictReader(io.StringIO(p.stdout)))
        self.assertEqual(len(rows), 4)
        for r in rows:
            errs = [d["test"] for d in keep if (d["arm"], d["depth"]) == (r["arm"], int(r["depth"]))]
            self.assertEqual(int(r["n_seeds"]), len(errs))
            self.assertTrue(math.isclose(float(r["test_error_mean"]), np.mean(errs), rel_tol=1e-12))
        self.assertIn("| arm | depth | test error % | seeds | not complete / missing |",
                      run_tool("summary", folder).stdout)
        sel = self.summary_rows(folder, "--select", "valid_error")  # every row its own group
        self.assertEqual([(r["arm"], r["depth"], r["test_error_mean"], r["n_settings"]) for r in sel],
                         [(r["arm"], r["depth"], r["test_error_mean"], "1") for r in rows])
        out = self.tmp / "schema2_csv"
        run_tool("collect", folder, "--out", out)
        cols, crow = read_csv(out / "runs.csv")
        self.assertEqual(cols[-1], "n_labeled")  # no axis columns
        with h5py.File(keep[0]["file"], "r") as f:
            n_train = int(f["data"].attrs["n_train"])
        self.assertEqual({r["n_labeled"] for r in crow}, {str(n_train)})  # /data n_train stands in
        printed = {pathlib.Path(x).name for x in run_tool("plot", folder, "--out", folder / "fig").stdout.split()}
        self.assertTrue(set(FIGURES) <= printed, printed)
        self.assertFalse(any(n.startswith(("valid_error_vs", "test_error_vs_labeled")) for n in printed))


def _isolated_item(x):
    import signal
    import time
    if x == 2:
        os.kill(os.getpid(), signal.SIGSEGV)
    if x == 4:
        raise ValueError("bad")
    if x == 5:
        time.sleep(30)
    if x == 6:
        return lambda: 0  # cannot be pickled
    return x * 10


class IsolatedReaderTest(unittest.TestCase):
    def test_crashes_hangs_and_errors_cost_their_item_only(self):
        sys.path.insert(0, str(ANALYSIS))
        from lwresults.isolated import map_isolated
        os.environ["LW_READ_TIMEOUT"] = "1"
        self.addCleanup(os.environ.pop, "LW_READ_TIMEOUT", None)
        out = map_isolated(_isolated_item, range(9), lambda i, why: f"crashed {i}: {why}")
        self.assertEqual(out[:2] + out[3:4] + out[7:], [0, 10, 30, 70, 80])
        self.assertEqual(out[2], "crashed 2: SIGSEGV")
        self.assertEqual(out[4], "crashed 4: ValueError: bad")
        self.assertEqual(out[5], "crashed 5: no answer in 1 s")
        self.assertTrue(out[6].startswith("crashed 6: AttributeError: Can't pickle"), out[6])
        self.assertEqual(map_isolated(_isolated_item, [], None), [])


class ReadmeReliabilityTest(unittest.TestCase):
    def test_every_promise_names_a_test_that_exists(self):
        """experiments/README.md's reliability table (README links it) names a test per row
        (`file/test_name_prefix…`, in tests/experiment/file_test.cpp; `test_…` in this file): each
        must exist."""
        self.assertIn("experiments/README.md#reliability", (SRC / "README.md").read_text())
        text = (SRC / "experiments" / "README.md").read_text()
        start = text.index("## Reliability")
        block = next(b for b in text[start:].split("\n\n") if b.startswith("| fault"))
        table = [ln for ln in block.splitlines() if ln.startswith("| ")][2:]
        self.assertGreaterEqual(len(table), 8)
        cases = {}
        for src in (SRC / "tests" / "experiment").glob("*_test.cpp"):
            cases[src.name[:-len("_test.cpp")]] = re.findall(r"BOOST_AUTO_TEST_CASE\(\s*(\w+)\)", src.read_text())
        mine = re.findall(r"def (test_\w+)", pathlib.Path(__file__).read_text())
        for row in table:
            names = re.findall(r"`([\w/]+)…`", row.split(" | ")[-1])
            self.assertTrue(names, row)
            for name in names:
                if "/" in name:
                    file, prefix = name.split("/")
                    self.assertTrue(any(c.startswith(prefix) for c in cases.get(file, [])), name)
                else:
                    self.assertTrue(any(c.startswith(name) for c in mine), name)


class TorchEpochOptionsTest(unittest.TestCase):
    """tools/bench/torch_epoch rejects bad options before it loads torch or reads data."""

    def test_bad_counts_name_the_option(self):
        for opt in ("--threads", "--repeats", "--examples", "--batch"):
            p = run_tool("bench/torch_epoch", opt, 0, ok=False)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn(f"{opt} must be >= 1 (got 0)", p.stderr)

    def test_missing_data_names_folder_and_file(self):
        with tempfile.TemporaryDirectory() as d:
            p = run_tool("bench/torch_epoch", "--data-path", d, ok=False)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn(f"--data-path {d}: train-images-idx3-ubyte.gz not found", p.stderr)


if __name__ == "__main__":
    prog = unittest.main(argv=[sys.argv[0]], exit=False, verbosity=2)
    res = prog.result
    failed = len(res.failures) + len(res.errors)
    print(f"{res.testsRun - failed - len(res.skipped)} passed, {failed} failed"
          + (f", {len(res.skipped)} skipped" if res.skipped else ""))
    sys.exit(1 if failed or not res.wasSuccessful() else 0)
