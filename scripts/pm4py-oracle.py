#!/usr/bin/env python3
"""PM4Py as a test oracle for `takt mine` (issue 15): the same figures, from PM4Py 2.7.

    python3 scripts/pm4py-oracle.py LOG.csv > figures.json

Reads a CSV log (case_id, activity, start_timestamp, end_timestamp[, resource]) with pandas,
formats it for PM4Py, and prints what `takt mine --json` prints, computed by PM4Py:
discover_performance_dfg (edges: counts and waits), get_service_time (mean, median, min, max
per activity), get_all_case_durations, the start and end activities. PM4Py is never a dependency
of Takt: run this in a virtual environment of its own (see docs/BENCHMARKS.md).
"""
import json
import math
import sys

import numpy as np
import pandas as pd
import pm4py
from pm4py.algo.discovery.dfg.adapters.pandas import df_statistics


def main(path):
    df = pd.read_csv(path)
    df["start_timestamp"] = pd.to_datetime(df["start_timestamp"], utc=True, format="ISO8601")
    df["end_timestamp"] = pd.to_datetime(df["end_timestamp"], utc=True, format="ISO8601")
    df = pm4py.format_dataframe(
        df,
        case_id="case_id",
        activity_key="activity",
        timestamp_key="end_timestamp",
        start_timestamp_key="start_timestamp",
    )
    perf, starts, finals = pm4py.discover_performance_dfg(df)
    freq = df_statistics.get_dfg_graph(
        df,
        measure="frequency",
        activity_key="concept:name",
        case_id_glue="case:concept:name",
        timestamp_key="time:timestamp",
        start_timestamp_key="start_timestamp",
    )
    service = {
        m: pm4py.get_service_time(df, aggregation_measure=m, start_timestamp_key="start_timestamp", timestamp_key="time:timestamp")
        for m in ("mean", "median", "min", "max")
    }
    counts = df["concept:name"].value_counts().to_dict()
    # PM4Py 2.7's case statistics lose the start column when the frame names one (a KeyError):
    # durations run from a case's first end to its last end anyway, so the frame goes in without it.
    ends = df[["case:concept:name", "concept:name", "time:timestamp"]].copy()
    ends.attrs = {}
    durations = np.array(pm4py.get_all_case_durations(ends))

    def num(x):
        x = float(x)
        return None if math.isnan(x) else x

    out = {
        "events": int(len(df)),
        "cases": int(df["case:concept:name"].nunique()),
        "start_activities": {k: int(v) for k, v in sorted(starts.items())},
        "end_activities": {k: int(v) for k, v in sorted(finals.items())},
        "activities": {
            a: {"count": int(counts[a]), "service_s": {m: num(service[m][a]) for m in ("mean", "median", "min", "max")}}
            for a in sorted(counts)
        },
        "edges": sorted(
            (
                {
                    "from": a,
                    "to": b,
                    "count": int(freq[(a, b)]),
                    "wait_s": {k: num(v[k]) for k in ("mean", "median", "min", "max", "sum", "stdev")},
                }
                for (a, b), v in perf.items()
            ),
            key=lambda e: (-e["count"], e["from"], e["to"]),
        ),
        "case_duration_s": {
            "mean": float(durations.mean()),
            "median": float(np.median(durations)),
            "p85": float(np.percentile(durations, 85)),
            "min": float(durations.min()),
            "max": float(durations.max()),
        },
    }
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
