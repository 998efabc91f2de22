#!/usr/bin/env python3
"""`takt mine` against PM4Py 2.7 on a generated MLOps log (issue 15's benchmark).

    python3 scripts/bench-mine.py [--cases 110000] [--runs 3]

Builds the release `takt`, writes a log of about 1,000,000 events (`takt gen-log`), installs
PM4Py 2.7 in a virtual environment of its own (target/pm4py-venv; PM4Py is a test oracle, never
a dependency of Takt), then runs each side as a whole process, start to exit, `--runs` times:
`takt mine LOG --json` and `scripts/pm4py-oracle.py LOG` (format_dataframe,
discover_performance_dfg, service times, case durations). Prints the wall times and peak
memory (each process's own, from wait4), and checks that the figures agree: every count equal,
every time within 0.5 s.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "target", "pm4py-venv")


def run(cmd, out_path):
    """Runs cmd with stdout to out_path; returns (seconds, peak RSS in MB)."""
    with open(out_path, "wb") as out:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        dt = time.perf_counter() - t0
    if status != 0:
        sys.exit(f"{' '.join(cmd)} failed ({status})")
    return dt, ru.ru_maxrss / 1024.0


def compare(ours, theirs):
    problems = []

    def close(a, b, what):
        if a is None and b is None:
            return
        if a is None or b is None or abs(a - b) > 0.5:
            problems.append(f"{what}: takt {a}, PM4Py {b}")

    for k in ("events", "cases", "start_activities", "end_activities"):
        if ours[k] != theirs[k]:
            problems.append(f"{k}: takt {ours[k]}, PM4Py {theirs[k]}")
    for name, o in ours["activities"].items():
        t = theirs["activities"].get(name)
        if t is None or o["count"] != t["count"]:
            problems.append(f"activity {name}")
            continue
        for k in ("mean", "median", "min", "max"):
            close(o["service_s"][k], t["service_s"][k], f"{name} service {k}")
    te = {(e["from"], e["to"]): e for e in theirs["edges"]}
    if len(te) != len(ours["edges"]):
        problems.append(f"edges: takt {len(ours['edges'])}, PM4Py {len(te)}")
    for e in ours["edges"]:
        t = te.get((e["from"], e["to"]))
        if t is None or t["count"] != e["count"]:
            problems.append(f"edge {e['from']} -> {e['to']}")
            continue
        for k in ("mean", "median", "min", "max", "sum", "stdev"):
            # A sum of a million waits: within 0.5 s per wait summed.
            tol = 0.5 * e["count"] if k == "sum" else 0.5
            a, b = e["wait_s"][k], t["wait_s"][k]
            if (a is None) != (b is None) or (a is not None and abs(a - b) > tol):
                problems.append(f"{e['from']} -> {e['to']} wait {k}: takt {a}, PM4Py {b}")
    for k in ("mean", "median", "p85", "min", "max"):
        close(ours["case_duration_s"][k], theirs["case_duration_s"][k], f"case duration {k}")
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=110_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "takt-cli"], cwd=ROOT, check=True)
    takt = os.path.join(ROOT, "target", "release", "takt")
    if not os.path.exists(os.path.join(VENV, "bin", "python")):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "-q", "pm4py==2.7.*"], check=True)
    py = os.path.join(VENV, "bin", "python")
    version = subprocess.run([py, "-c", "import pm4py; print(pm4py.__version__)"], capture_output=True, text=True).stdout.strip()
    tmp = os.path.join(ROOT, "target", "bench-mine")
    os.makedirs(tmp, exist_ok=True)
    log = os.path.join(tmp, f"mlops-{args.cases}.csv")
    if not os.path.exists(log):
        with open(log, "wb") as f:
            subprocess.run([takt, "gen-log", "--cases", str(args.cases), "--seed", "1"], stdout=f, check=True)
    events = sum(1 for _ in open(log)) - 1
    ours_t, theirs_t, ours_m, theirs_m = [], [], [], []
    for _ in range(args.runs):
        t, m = run([takt, "mine", log, "--json"], os.path.join(tmp, "takt.json"))
        ours_t.append(t)
        ours_m.append(m)
        t, m = run([py, os.path.join(ROOT, "scripts", "pm4py-oracle.py"), log], os.path.join(tmp, "pm4py.json"))
        theirs_t.append(t)
        theirs_m.append(m)
    ours = json.load(open(os.path.join(tmp, "takt.json")))
    theirs = json.load(open(os.path.join(tmp, "pm4py.json")))
    problems = compare(ours, theirs)
    med = statistics.median
    print(json.dumps({
        "log": {"events": events, "cases": args.cases, "bytes": os.path.getsize(log)},
        "pm4py": version,
        "runs": args.runs,
        "takt_s": [round(x, 3) for x in ours_t],
        "pm4py_s": [round(x, 3) for x in theirs_t],
        "takt_peak_mb": [round(x, 1) for x in ours_m],
        "pm4py_peak_mb": [round(x, 1) for x in theirs_m],
        "speedup_median": round(med(theirs_t) / med(ours_t), 1),
        "memory_ratio_median": round(med(ours_m) / med(theirs_m), 3),
        "figures_agree": not problems,
        "problems": problems[:20],
    }, indent=2))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
