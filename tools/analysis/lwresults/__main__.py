"""python3 -m lwresults RESULTS_DIR...: lists the run files of results folders with their status
(a quick check; tools/analysis/collect, summary and plot do the real work). Needs
PYTHONPATH=tools/analysis."""
import argparse
import sys

import lwresults as lw


def main():
    ap = argparse.ArgumentParser(prog="python3 -m lwresults",
                                 description="List the run files of results folders with their "
                                 "status (a quick check; see tools/analysis/collect, summary, plot).")
    ap.add_argument("dirs", nargs="+", metavar="RESULTS_DIR")
    a = ap.parse_args()

    def _list():
        print(lw.run_table(lw.read_runs(a.dirs, steps=False)).to_string(index=False))
        return 0
    return lw.main_guard(_list, prog="lwresults")


if __name__ == "__main__":
    sys.exit(main())
