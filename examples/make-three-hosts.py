#!/usr/bin/env python3
"""Regenerate examples/three-hosts.csv: matched TCP messages between three
hosts whose clocks are known exactly (the ground truth is written in the
file's comment lines). Deterministic: same output every run."""
import math
import random

EPOCH = 1_700_000_000 * 10**9
# host: (offset of its clock at true time 0 in ns, drift in ppm)
HOSTS = {"alpha": (0, 0.0), "bravo": (1_234_567_890, 35.0),
         "charlie": (-1_800_000_000_000, -80.0)}
PAIRS = [("alpha", "bravo", 120), ("bravo", "charlie", 120),
         ("alpha", "charlie", 40)]
SPAN = 600 * 10**9  # ten minutes of traffic


def local(host, t):
    off, ppm = HOSTS[host]
    return EPOCH + off + math.floor(t * (1 + ppm * 1e-6))


def main():
    rng = random.Random(2026)
    rows = []
    for a, b, count in PAIRS:
        min_lat = rng.randint(20_000, 80_000)
        for i in range(count):
            src, dst = (a, b) if i % 2 == 0 else (b, a)
            t = rng.uniform(0, SPAN)
            lat = min_lat + rng.expovariate(1 / 40_000)
            rows.append((local(src, t), src, local(dst, t + lat), dst))
    rows.sort()
    with open("three-hosts.csv", "w") as f:
        f.write("# Matched messages between three simulated hosts.\n")
        f.write("# Ground truth: host clock = epoch + offset + (1 + drift) * t\n")
        for h, (off, ppm) in HOSTS.items():
            f.write(f"#   {h}: offset {off} ns, drift {ppm:+} ppm\n")
        f.write("send_host,send_ns,recv_host,recv_ns\n")
        for s_ns, src, r_ns, dst in rows:
            f.write(f"{src},{s_ns},{dst},{r_ns}\n")


if __name__ == "__main__":
    main()
