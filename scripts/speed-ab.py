#!/usr/bin/env python3
"""Compares two or more builds of the core on `analyze` at 10,000 steps and one edit with its
re-analysis at 1,000 steps (crates/takt-core/examples/speed.rs), alternating the builds
REPEATS times so that the VM's drifting speed falls on all of them alike.

    cargo build --release -p takt-core --example speed && cp target/release/examples/speed /tmp/speed-b
    (the same at the other commit, to /tmp/speed-a)
    scripts/speed-ab.py 6 /tmp/speed-a /tmp/speed-b

Prints, for each build, the median over the repeats of each figure, and the spread.
"""
import statistics
import subprocess
import sys


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    repeats, builds = int(sys.argv[1]), sys.argv[2:]
    runs = {b: {"analyze_10k_ms": [], "edit_1k_us": []} for b in builds}
    for _ in range(repeats):
        for b in builds:
            out = subprocess.run([b, "8"], capture_output=True, text=True, check=True).stdout
            for line in out.splitlines():
                k, v = line.split()
                runs[b][k].append(float(v))
    for b, figures in runs.items():
        parts = []
        for k, vs in figures.items():
            parts.append(f"{k} median {statistics.median(vs):.3f} (min {min(vs):.3f}, max {max(vs):.3f})")
        print(f"{b}: " + "; ".join(parts) + f" [{repeats} runs]")


if __name__ == "__main__":
    main()
