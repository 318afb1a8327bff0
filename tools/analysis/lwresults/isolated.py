"""Reading HDF5 files in a child process, so that a corrupt file cannot crash the tool.

Debian 12's HDF5 (1.10.8) does not always raise on a damaged file: a flipped bit in an object
header can make it dereference garbage (SIGSEGV in H5A__close while h5py lists attributes), which
kills the Python process with no message, or loop for ever (a cycle in a corrupt global heap).
map_isolated(fn, items) calls fn(item) for each item in a forked child (one child for all of them,
restarted after a crash), streams the results back, and gives the item that crashed the child, or
took longer than LW_READ_TIMEOUT seconds (default 60), a `crashed` message instead of a result.
"""
import math
import multiprocessing
import os
import pickle
import signal

_CTX = multiprocessing.get_context("fork")  # the child inherits fn and the imported modules


def _child(fn, items, start, conn):
    for i in range(start, len(items)):
        conn.send(("start", i))
        try:
            result = pickle.dumps(fn(items[i]))
        except Exception as e:  # fn's own errors, or a result that cannot travel: stop here
            conn.send(("raised", i, f"{type(e).__name__}: {e}"))
            conn.close()
            return
        conn.send(("done", i, result))
    conn.close()


def _signal_name(code):
    try:
        return signal.Signals(-code).name
    except (ValueError, TypeError):
        return f"exit status {code}"


def _timeout():
    try:
        value = float(os.environ.get("LW_READ_TIMEOUT", "60"))
    except ValueError:
        value = 60.0
    return value if value > 0 and math.isfinite(value) else 60.0


def map_isolated(fn, items, crashed):
    """[fn(item) for item in items], each call in a forked child; an item whose call killed the
    child gets crashed(item, "SIGSEGV") instead, one that took over LW_READ_TIMEOUT seconds
    crashed(item, "no answer in 60 s") (the child is killed), one whose call raised (or whose
    result cannot be pickled) crashed(item, "ValueError: ...")."""
    items = list(items)
    timeout = _timeout()
    out = [None] * len(items)
    start = 0
    while start < len(items):
        parent, child = _CTX.Pipe(duplex=False)
        p = _CTX.Process(target=_child, args=(fn, items, start, child), daemon=True)
        p.start()
        child.close()
        current, next_item, hung = None, start, False
        while True:
            if not parent.poll(timeout):
                hung = True
                p.kill()
                break
            try:
                msg = parent.recv()
            except EOFError:
                break
            if msg[0] == "start":
                current = msg[1]
            elif msg[0] == "done":
                out[msg[1]] = pickle.loads(msg[2])
                current, next_item = None, msg[1] + 1
            else:  # fn raised: the child has stopped; that item is unreadable, go on after it
                out[msg[1]] = crashed(items[msg[1]], msg[2])
                current, next_item = None, msg[1] + 1
                break
        p.join()
        parent.close()
        why = f"no answer in {timeout:g} s" if hung else _signal_name(p.exitcode)
        if current is not None:  # fn(items[current]) killed the child: go on after it
            out[current] = crashed(items[current], why)
            start = current + 1
        elif next_item == start and start < len(items):  # died before its first item: no loop
            out[start] = crashed(items[start], why)
            start += 1
        else:  # done, or stopped between items (then the next child goes on from there)
            start = next_item
    return out
