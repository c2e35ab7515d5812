"""Synthetic audits for demos, tests and benchmarks: codes and stock practice wording
(`words`), valid answers for any rubric (`synthetic`), a folder of audits (`audits`).
"""

from .audits import generate, iter_texts, summary, write_demo

__all__ = ["generate", "iter_texts", "summary", "write_demo"]
