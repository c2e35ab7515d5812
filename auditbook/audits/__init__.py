"""The record: audits as JSON files (`store`: atomic saves, history, stale-save refusal), who
is saving (`users`) and the data-protection controls over the files (`protection`).
Knows nothing of widgets or pages.
"""
