"""How fast a folder of audits becomes the analytics frames, against a floor in the same run.

    .venv/bin/python benchmarks/analytics_speed.py [--n 10000] [--runs 3] [--folder DIR]

Writes N synthetic audits (auditbook demo-data, seeded) once, then times, on the same files:
  floor:  a plain loop of json.load over every file plus one DataFrame construction;
  load:   auditbook.analytics.load_audits (validation, three tidy frames, categoricals), in one
          process and in one process per core (its default from 2,000 files).
Prints the best of --runs for each, the ratio load / floor (goal: within 1.5x), and the peak
memory of each measured with tracemalloc in a separate run. Not part of the tests.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import tempfile
import time
import tracemalloc
from pathlib import Path

import pandas as pd

from auditbook.analytics.frames import MAX_WORKERS, load_audits
from auditbook.demo import generate
from auditbook.rubrics.library import load_library


def floor(folder: Path) -> pd.DataFrame:
    """The least any loader must do: read every file and make one frame."""
    rows = []
    for path in sorted(folder.glob("*.json")):
        if path.name.endswith(".prev.json"):
            continue
        with open(path, encoding="utf-8") as f:
            record = json.load(f)
        rows.append(
            {
                "audit_id": record["id"],
                "rubric_id": record["rubric"]["id"],
                "status": record["status"],
                **record["case"],
            }
        )
    return pd.DataFrame(rows)


def best_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_mib(fn) -> float:
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--folder", help="reuse (or fill) this folder instead of a temporary one")
    args = parser.parse_args()

    library = load_library()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.folder or tmp)
        if len(list(folder.glob("*.json"))) < args.n:
            start = time.perf_counter()
            generate(folder, n=args.n, seed=1, library=library)
            print(f"wrote {args.n:,} synthetic audits in {time.perf_counter() - start:.1f} s")
        files = [p for p in folder.glob("*.json") if not p.name.endswith(".prev.json")]
        size = sum(p.stat().st_size for p in files) / 2**20
        print(f"{len(files):,} audit files, {size:.0f} MiB")

        frames = load_audits(folder, library, progress=False)
        print(
            f"frames: {len(frames.audits):,} audits, {len(frames.answers):,} answers, "
            f"{len(frames.actions):,} actions, {len(frames.problems)} unreadable"
        )

        def load(workers: int):
            return lambda: load_audits(folder, library, progress=False, workers=workers)

        cores = min(os.cpu_count() or 1, MAX_WORKERS)
        t_floor = best_time(lambda: floor(folder), args.runs)
        t_one = best_time(load(1), args.runs)
        t_all = best_time(load(cores), args.runs)
        # tracemalloc sees this process only: the peak of the one-process load.
        m_floor, m_one = peak_mib(lambda: floor(folder)), peak_mib(load(1))

    print()
    print("| measure | best of runs, s | ratio to floor | peak memory, MiB |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| floor: json.load loop + one DataFrame | {t_floor:.2f} | 1.00 | {m_floor:.0f} |")
    print(f"| load_audits, one process | {t_one:.2f} | {t_one / t_floor:.2f} | {m_one:.0f} |")
    print(f"| load_audits, {cores} processes (default) | {t_all:.2f} | {t_all / t_floor:.2f} | |")
    verdict = "met" if min(t_one, t_all) / t_floor <= 1.5 else "NOT met"
    print(f"\ngoal: load_audits within 1.5x of the floor: {verdict}")


if __name__ == "__main__":
    main()
