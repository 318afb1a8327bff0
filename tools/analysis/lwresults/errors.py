"""lwresults.errors: the user error the command-line tools report, and how they report it."""
import pathlib
import sys


class ToolError(Exception):
    """A user error (bad folder, no runs); the command-line tools print it and exit 2."""


def main_guard(fn, prog=None):
    """Runs fn(); a ToolError or OSError becomes 'prog: error: ...' (prog: the script's file name
    unless given) and exit status 2."""
    prog = prog or pathlib.Path(sys.argv[0]).name
    try:
        return fn()
    except (ToolError, OSError) as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        return 2
