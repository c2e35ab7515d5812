"""The QA dashboard in a real browser: choose a team, read the figures, download the audits."""

from __future__ import annotations

import pandas as pd
import pytest
from playwright.sync_api import expect

from auditbook.analytics import load_audits
from auditbook.analytics import summaries as S

from .conftest import wait_for_widgets
from .test_accessibility import serious_violations

pytestmark = pytest.mark.browser


def figure(page, key: str):
    return page.locator(f'.ab-figure[data-figure="{key}"]')


def expect_headline(page, expected: dict) -> None:
    for key in ("audits", "pct_good_or_better", "pct_inadequate", "overdue_actions"):
        value = expected[key]
        text = "" if pd.isna(value) else str(value)
        expect(figure(page, key)).to_have_attribute("data-value", text)
    expect(figure(page, "audits").locator(".ab-figure-value")).to_have_text(str(expected["audits"]))


def test_analyst_filters_by_team_and_downloads_the_audits(dashboard_server, page, tmp_path):
    frames = load_audits(dashboard_server.audits_dir, progress=False)
    page.goto(dashboard_server.render_url("dashboard.ipynb"))
    wait_for_widgets(page, ".ab-figure")

    expect_headline(page, S.headline(frames))
    expect(page.get_by_role("img", name="Overall grades by team.")).to_be_visible()
    assert serious_violations(page) == []

    team = page.get_by_label("Team", exact=True)
    team.click()
    team.select_option(label="Team F")
    chosen = frames.filter(team="Team F")
    expected = S.headline(chosen)
    assert expected["audits"] < len(frames.audits)
    expect(page.get_by_role("status")).to_contain_text(
        f"Showing {expected['audits']} of {len(frames.audits)} audits"
    )
    expect_headline(page, expected)

    with page.expect_download() as download:
        page.get_by_role("link", name="Audits (CSV)").click()
    assert download.value.suggested_filename == "audits-team-f.csv"
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    rows = pd.read_csv(saved, encoding="utf-8-sig")
    assert list(rows["audit_id"]) == list(chosen.audits["audit_id"])
    assert set(rows["team"]) == {"Team F"}

    body = page.inner_text("body")
    assert "Traceback" not in body
    assert "There was an error when executing cell" not in body
