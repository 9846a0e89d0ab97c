#!/usr/bin/env python3
"""Time `RUNTIME --root R run -b BUNDLE ID` for ours, runc and crun,
interleaved round by round; print medians, ratios and peak RSS."""
import os
import resource
import statistics
import subprocess
import sys
import time

work, ours, runs, peakrss = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
bundle = os.path.join(work, "bundle")
runtimes = {"ours": ours, "crun": "crun", "runc": "runc"}


def run_once(name, binary, i):
    root = os.path.join(work, "root-" + name)
    cmd = [binary, "--root", root, "run", "-b", bundle, "bench-%s-%d" % (name, i)]
    t0 = time.perf_counter_ns()
    rc = subprocess.call(cmd, stdin=subprocess.DEVNULL)
    t1 = time.perf_counter_ns()
    if rc != 0:
        sys.exit("%s exited %d" % (" ".join(cmd), rc))
    return (t1 - t0) / 1e6


def peak_rss_kib(name, binary):
    """Peak RSS of one run (the runtime and the descendants it reaped)."""
    root = os.path.join(work, "root-" + name)
    out = subprocess.check_output([peakrss, binary, "--root", root, "run", "-b", bundle, "bench-rss-" + name],
                                  stdin=subprocess.DEVNULL)
    return int(out.decode().split()[-1])


times = {n: [] for n in runtimes}
for n, b in runtimes.items():  # warm-up
    run_once(n, b, -1)
for i in range(runs):
    for n, b in runtimes.items():
        times[n].append(run_once(n, b, i))

print("runs per runtime: %d (interleaved)" % runs)
print("%-6s %10s %10s %10s %12s" % ("", "median ms", "p10 ms", "p90 ms", "peak RSS KiB"))
med = {}
for n, b in runtimes.items():
    t = sorted(times[n])
    med[n] = statistics.median(t)
    print("%-6s %10.2f %10.2f %10.2f %12d" % (n, med[n], t[len(t) // 10], t[len(t) * 9 // 10], peak_rss_kib(n, b)))
print("ratio ours/crun: %.2f   ours/runc: %.2f" % (med["ours"] / med["crun"], med["ours"] / med["runc"]))
