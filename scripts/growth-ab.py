#!/usr/bin/env python3
"""Compares the growth (100,000 steps against 10,000) of two or more builds of the core.

    cargo build --release -p takt-core --example growth && cp target/release/examples/growth /tmp/growth-a
    (change, rebuild, copy to /tmp/growth-b)
    scripts/growth-ab.py 4 /tmp/growth-a /tmp/growth-b

Runs each build's growth harness (crates/takt-core/examples/growth.rs, six rounds) in turn,
REPEATS times, so that the VM's drifting speed falls on all of them alike, and prints for
each the median 10,000-step and 100,000-step times and the median ratio over all rounds.
"""
import statistics
import subprocess
import sys


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    repeats, builds = int(sys.argv[1]), sys.argv[2:]
    rounds = {b: [] for b in builds}
    for _ in range(repeats):
        for b in builds:
            out = subprocess.run([b, "6"], capture_output=True, text=True, check=True).stdout
            for line in out.splitlines():
                if line.startswith("10k"):
                    f = line.split()
                    rounds[b].append((float(f[1]), float(f[4]), float(f[6].rstrip("x"))))
    for b, rs in rounds.items():
        small, large, ratio = (statistics.median(x) for x in zip(*rs))
        print(f"{b}: 10k {small:.3f} ms  100k {large:.3f} ms  ratio {ratio:.2f}x ({len(rs)} rounds)")


if __name__ == "__main__":
    main()
