#!/usr/bin/python3
"""fuzz_own_reports LOG SOURCE_DIR: the sanitizer reports in a libFuzzer log that point at our code.

The targets read files in a child process first (lib/core/isolated.hpp), where a crash or a
sanitizer report ends the child, not the fuzzer: HDF5's own bugs on corrupt files must not count
as findings, ours must. A report is ours when its first frame that is not a sanitizer interceptor
(malloc, memcpy, ...) lies in SOURCE_DIR's lib/, tests/, experiments/ or tools/ (not the fuzz binary in
build-fuzz/); a UBSan "runtime error" is ours when its location does.
Prints each of ours (up to 3) and exits 1 if there is any, else 0."""
import re
import sys

INTERCEPTORS = re.compile(r" in (__interceptor_\w+|__asan_\w+|__ubsan_\w+|malloc|calloc|realloc|free|posix_memalign|"
                          r"aligned_alloc|memcpy|memmove|memset|strlen|strcmp|operator new|operator delete)\b")
FRAME = re.compile(r"^\s+#\d+ 0x[0-9a-f]+ in (.*)$")

log, root = sys.argv[1], sys.argv[2].rstrip("/") + "/"
src = tuple(root + d for d in ("lib/", "tests/", "experiments/", "tools/"))  # not build-fuzz/
ours, block, in_report = [], [], False
for line in open(log, errors="replace"):
    if "runtime error:" in line:
        if line.startswith(src) or any(f" {d}" in line.split("runtime error:")[0] for d in src):
            ours.append(line.rstrip())
        continue
    if re.match(r"^==\d+==ERROR: AddressSanitizer", line):
        in_report, block = True, [line.rstrip()]
        continue
    if in_report:
        m = FRAME.match(line)
        if m is None:
            continue
        block.append(line.rstrip())
        if INTERCEPTORS.search(line):
            continue
        if any(d in m.group(1) for d in src):
            ours.append("\n".join(block))
        in_report = False  # judged by its first real frame
for report in ours[:3]:
    print(report, file=sys.stderr)
print(f"fuzz: {len(ours)} sanitizer report(s) in our code", file=sys.stderr) if ours else None
sys.exit(1 if ours else 0)
