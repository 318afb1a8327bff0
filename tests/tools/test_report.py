#!/usr/bin/python3
"""tools/analysis/report in a real browser (Debian's chromium, headless): every plot of the page
drew its traces and no JavaScript error was logged, for a finished sweep and for one still
running (its run shown as running, then as partial once its writer is killed); bad input exits 2.
Uses $LW_BIN_DIR/depth_sweep (default build/bin)."""
import json
import os
import pathlib
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import h5py

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(os.environ.get("LW_BIN_DIR", ROOT / "build" / "bin"))
REPORT = ROOT / "tools" / "analysis" / "report"
CHROMIUM = "/usr/bin/chromium"
TINY = ["--width", "16", "--threads", "1", "--log.every", "1", "--experiment", "t"]
BARS = ["--data.source", "bars_stripes", "--data.n_examples", "400"]


def sweep(results, *extra):
    return [str(BIN / "depth_sweep"), "--results", str(results), *TINY, *extra]


def render(page, screenshot=None):
    """The page's self-check ({"plots": {id: traces}, "errors": [...], "statuses": [[run, status]]})
    and chromium's stderr."""
    args = [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
            "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000"]
    if screenshot:
        subprocess.run(args + ["--window-size=1300,3200", f"--screenshot={screenshot}", page.as_uri()],
                       capture_output=True, timeout=120)
    r = subprocess.run(args + ["--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    m = re.search(r'<pre id="lw-selfcheck"[^>]*>(.*?)</pre>', r.stdout, re.S)
    if not m:
        raise AssertionError(f"no self-check in the page (chromium exit {r.returncode}): {r.stderr[-2000:]}")
    return json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&")), r.stderr


class ReportTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = pathlib.Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def report(self, folder, *extra):
        return subprocess.run([sys.executable, str(REPORT), str(folder), *extra], capture_output=True, text=True,
                              timeout=300)

    def check_page(self, folder, shot):
        page = folder / "report.html"
        text = page.read_text()
        self.assertNotRegex(text, r"(src|href)=[\"']?https?://", "the page fetches from the network")
        check, stderr = render(page, shot)
        self.assertEqual(check["errors"], [])
        self.assertNotIn("Uncaught", stderr)
        self.assertEqual(set(check["plots"]), {"err", "grad", "curves", "pretrain", "grad0", "sat"})
        return check

    def test_a_finished_sweep_draws_every_plot_with_no_javascript_error(self):
        r = subprocess.run(sweep(self.dir, *BARS, "--depths", "1,2", "--inits", "uniform,dae", "--seeds", "1-2",
                                 "--finetune.epochs", "3", "--jobs", "2"), capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        out = self.report(self.dir / "t")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("report: ", out.stdout)
        self.assertTrue((self.dir / "t" / "plotly.min.js").stat().st_size > 1_000_000)
        check = self.check_page(self.dir / "t", "/tmp/report_finished.png")
        for plot, traces in check["plots"].items():
            self.assertGreaterEqual(traces, 1, plot)
        self.assertEqual(check["plots"]["err"], 2)  # uniform, dae
        self.assertEqual(sorted(s for _, s in check["statuses"]), ["complete"] * 8)
        self.assertIn("8 of 8 runs done, finished", (self.dir / "t" / "report.html").read_text())

    def test_a_running_run_is_shown_running_and_partial_once_its_writer_is_killed(self):
        # Fashion-MNIST (a subset), wide enough that an epoch takes a while: the run is mid-way.
        p = subprocess.Popen(sweep(self.dir, "--depths", "2", "--inits", "uniform", "--seeds", "1",
                                   "--data.source", "fashion_mnist", "--data.n_train", "6000", "--data.n_valid",
                                   "1000", "--data.n_test", "1000", "--finetune.epochs", "5000",
                                   "--finetune.patience", "0", "--jobs", "1"),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            partial = self.dir / "t" / "d2-sigmoid-w16-uniform-s01.h5.partial"
            deadline = time.time() + 90
            while time.time() < deadline and p.poll() is None:
                try:
                    with h5py.File(partial, "r") as f:
                        if f["finetune/epochs/epoch"].shape[0] >= 1:
                            break
                except (OSError, KeyError):
                    pass
                time.sleep(0.2)
            else:
                self.fail("no epoch of the running run appeared in its .partial")
            self.assertIsNone(p.poll(), "the sweep ended too soon")
            out = self.report(self.dir / "t")
            self.assertEqual(out.returncode, 0, out.stderr)
            check = self.check_page(self.dir / "t", "/tmp/report_running.png")
            self.assertEqual(check["statuses"], [["d2-sigmoid-w16-uniform-s01", "running"]])
            self.assertGreaterEqual(check["plots"]["curves"], 1)
            self.assertIn("0 of 1 runs done, 1 running", (self.dir / "t" / "report.html").read_text())
            self.assertIsNone(p.poll(), "reading disturbed the sweep")
        finally:
            p.send_signal(signal.SIGKILL)
            p.wait()
        out = self.report(self.dir / "t")
        self.assertEqual(out.returncode, 0, out.stderr)
        check, _ = render(self.dir / "t" / "report.html")
        self.assertEqual(check["statuses"], [["d2-sigmoid-w16-uniform-s01", "partial"]])
        self.assertEqual(check["errors"], [])

    def test_bad_input_exits_2_naming_it(self):
        out = self.report(self.dir / "nowhere")
        self.assertEqual(out.returncode, 2)
        self.assertIn(str(self.dir / "nowhere"), out.stderr)
        (self.dir / "empty").mkdir()
        self.assertEqual(self.report(self.dir / "empty").returncode, 2)
        for bad in ("0", "-3", "nan"):
            out = self.report(self.dir, "--watch", bad)
            self.assertEqual(out.returncode, 2, bad)
            self.assertIn("--watch", out.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
