"""How fast the guidance checks are on a full seed-004 audit, against one answers.missing().

    .venv/bin/python benchmarks/checks_speed.py [--runs 200]

Prints medians in ms; not part of the tests' pass/fail. The audit grades every one of the
descriptor matrix's 57 criteria, fills all 57 evidence boxes with two or three sentences of
stock practice wording (auditbook.demo.words: the same few hundred words in every box, so many
pairs get past the cheap bounds), and has actions and a safety judgement. Measured:
  - baseline: one `answers.missing()` call (the form runs it, and `progress`, on each change);
  - `run_checks` cold: the text caches cleared first (an audit just opened);
  - `run_checks` warm: the caches kept, one box changed (the form, as the auditor types);
  - the same audit with every tenth box a copy of another (duplicates to find and report).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date
from pathlib import Path

from auditbook import load_rubric
from auditbook.demo import words as W
from auditbook.demo.synthetic import sample_answers
from auditbook.rubrics import answers as A
from auditbook.rubrics import builtin_checks as B
from auditbook.rubrics import checks as C

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 6, 1)


def evidence(rng: random.Random) -> str:
    sentences = [
        f"{rng.choice(W.SUBJECTS)} {rng.choice(rng.choice((W.GOOD, W.MIXED, W.POOR)))}."
        for _ in range(rng.randint(2, 3))
    ]
    return " ".join(sentences) + " " + rng.choice(rng.choice(W.IMPACT))


def full_audit(rubric, copies: bool) -> dict:
    rng = random.Random(4)
    answers = sample_answers(rubric, seed=4)
    boxes = []
    for _, item in rubric.items():
        if item.type == "grade" and item.role == "auditor":
            answers[item.id]["evidence"] = {e.id: evidence(rng) for e in item.evidence}
            boxes += [(item.id, e.id) for e in item.evidence]
    if copies:
        for n, (item_id, box) in enumerate(boxes):
            if n % 10 == 9:
                source = answers[boxes[n - 7][0]]["evidence"][boxes[n - 7][1]]
                answers[item_id]["evidence"][box] = source.upper() + " "
    return answers, boxes


def clear() -> None:
    for fn in (B._words, B._normal, B._bag, B._similarity):
        fn.cache_clear()


def timed_ms(fn, runs: int, before=None) -> tuple[float, float]:
    """Median and best of `runs` calls, in ms (`before(n)` runs untimed before each)."""
    samples = []
    for n in range(runs):
        if before:
            before(n)
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples) * 1000, min(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    rubric = load_rubric(ROOT / "rubrics" / "descriptor-matrix.yaml")
    rows = []
    for copies in (False, True):
        answers, boxes = full_audit(rubric, copies)
        found = C.run_checks(rubric, answers, today=TODAY)
        missing = timed_ms(lambda a=answers: A.missing(rubric, a), args.runs)
        cold = timed_ms(
            lambda a=answers: C.run_checks(rubric, a, today=TODAY), args.runs, lambda n: clear()
        )
        item_id, box = boxes[len(boxes) // 2]

        def retype(n: int, a=answers, item_id=item_id, box=box) -> None:
            text = f"Visit {n}: " + evidence(random.Random(n))
            a[item_id] = {**a[item_id], "evidence": {box: text}}

        warm = timed_ms(lambda a=answers: C.run_checks(rubric, a, today=TODAY), args.runs, retype)
        kind = "with copies" if copies else "all distinct"
        dups = sum(w.check == "duplicate_evidence" for w in found)
        rows.append((kind, missing, cold, warm, dups, len(found)))
    print(f"seed-004 audit, {len(boxes)} evidence boxes; median (best) of {args.runs} runs, ms")
    print(
        "| audit | answers.missing() | run_checks, cold | ratio | run_checks, one box retyped "
        "| ratio | duplicates found | warnings |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for kind, missing, cold, warm, dups, total in rows:
        print(
            f"| {kind} | {missing[0]:.2f} ({missing[1]:.2f}) | {cold[0]:.2f} ({cold[1]:.2f}) "
            f"| {cold[0] / missing[0]:.0f} | {warm[0]:.2f} ({warm[1]:.2f}) "
            f"| {warm[0] / missing[0]:.0f} | {dups} | {total} |"
        )


if __name__ == "__main__":
    main()
