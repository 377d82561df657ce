#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check corrected traces (lttsync --write) against their originals and the
ground truth of lttsync-gen.

usage: check_corrected.py GEN_DIR OUT_DIR REPORT_JSON

For every host of GEN_DIR/truth.json that the report synchronized:
  - the corrected trace OUT_DIR/HOST has the same streams (by cpu_id), the
    same events with the same fields, in the same order per stream;
  - its timestamps never decrease within a stream;
  - every corrected timestamp t' of an event recorded at local time t is
    within the reported uncertainty of the true reference time of t: the
    bound width at the pivot plus |t - pivot| times the slope uncertainty
    of each pair on the host's path (the hull's feasible wedge), + 2 ns of
    clock quantisation.
Prints "N passed, N failed" and exits non-zero on any failure.
"""
import json
import re
import subprocess
import sys
from fractions import Fraction as F

LINE = re.compile(r"^\[(\d+)\.(\d{9})\] (.*)$")
CPU = re.compile(r"\{ cpu_id = (\d+) \}")


def streams(trace):
    """{cpu_id: [(ns, text without the time), ...]} in babeltrace2's order."""
    out = subprocess.run(["babeltrace2", "--clock-seconds", "--no-delta", trace],
                         capture_output=True, text=True, check=True).stdout
    per = {}
    for line in out.splitlines():
        m = LINE.match(line)
        if not m:
            raise ValueError("unexpected line: " + line)
        cpu = CPU.search(m[3])
        per.setdefault(cpu[1] if cpu else None, []).append(
            (int(m[1]) * 10**9 + int(m[2]), m[3]))
    return per


def path_of(report, name):
    """The host, its parent, ... the reference (the report's parent links)."""
    parents = {h["host"]: h["parent"] for h in report["hosts"]}
    path = [name]
    while parents[path[-1]] is not None and len(path) <= len(parents):
        path.append(parents[path[-1]])
    return path


def slope_uncertainty(report, path):
    """Sum of (slope_max - slope_min) over the pairs along path."""
    pairs = {frozenset(p["hosts"]): p for p in report["pairs"]}
    total = 0.0
    for a, b in zip(path, path[1:]):
        p = pairs[frozenset((a, b))]
        total += p["slope_max"] - p["slope_min"]
    return total


def main():
    gen, out, report_path = sys.argv[1:4]
    truth = json.load(open(gen + "/truth.json"))
    report = json.load(open(report_path))
    clocks = {h["name"]: (F(h["base_ns"]), F(h["rate"])) for h in truth["hosts"]}
    br, rr = clocks[report["reference"]]
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL:", what)

    for h in report["hosts"]:
        if h["slope"] is None:
            continue
        name = h["host"]
        trace = next(t["trace"] for t in truth["hosts"] if t["name"] == name)
        orig, corr = streams(gen + "/" + trace), streams(out + "/" + name)
        check(sorted(orig, key=str) == sorted(corr, key=str), name + ": same streams")
        bh, rh = clocks[name]
        pivot, width = int(h["pivot_ns"]), h["bounds_width_ns"]
        dslope = slope_uncertainty(report, path_of(report, h["host"]))
        worst, bad, total = F(0), 0, 0
        for cpu, events in orig.items():
            fixed = corr.get(cpu, [])
            check([e[1] for e in events] == [e[1] for e in fixed],
                  "%s cpu %s: same %d events and fields in order" % (name, cpu, len(events)))
            check(all(a[0] <= b[0] for a, b in zip(fixed, fixed[1:])),
                  "%s cpu %s: monotonic" % (name, cpu))
            for (t, _), (t2, _) in zip(events, fixed):
                err = abs(t2 - (br + rr * (t - bh) / rh))
                allowed = width + abs(t - pivot) * dslope + 2
                worst, total = max(worst, err), total + 1
                if err > allowed:
                    bad += 1
                    if bad <= 3:
                        print("%s: t=%d corrected %d, off by %.1f ns > %.1f"
                              % (name, t, t2, float(err), allowed))
        print("%s: %d streams, %d events, worst error %.1f ns (width %d ns)"
              % (name, len(orig), total, float(worst), width))
        check(total > 0 and bad == 0,
              "%s: %d of %d events within the reported uncertainty" % (name, total - bad, total))
    print("check_corrected: %d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
