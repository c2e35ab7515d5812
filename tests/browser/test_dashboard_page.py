"""The QA dashboard in a real browser: choose a team, read the figures, download the audits;
a filter change swapped in whole; a headline count opened to its audits, and one of them
followed to the audit page."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from playwright.sync_api import expect

from auditbook.analytics import load_audits, on_shared_scale
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

    page.get_by_role("button", name="Prepare CSV files").click()
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


# Records, before each time the page is drawn, what it would show: whether it says it is
# busy (its class, aria-busy, the figures' opacity), its status line, and which choice of
# filters each visible part of the figures was made for.
RECORDER = """() => {
  window.abLog = [];
  const dash = document.querySelector(".ab-dashboard");
  const look = () => {
    const marks = new Set([...dash.querySelectorAll("[data-selection]")]
      .filter((e) => e.checkVisibility()).map((e) => e.dataset.selection));
    const status = dash.querySelector("[role=status]");
    window.abLog.push({
      busy: dash.classList.contains("ab-busy"),
      aria: dash.getAttribute("aria-busy"),
      opacity: getComputedStyle(dash.querySelector(".ab-headline")).opacity,
      status: status ? status.textContent : "",
      marks: [...marks],
    });
  };
  new MutationObserver(look).observe(dash,
    { subtree: true, childList: true, attributes: true, characterData: true });
}"""


def test_a_filter_change_is_swapped_in_whole_and_a_count_opens_its_audits(dashboard_server, page):
    frames = load_audits(dashboard_server.audits_dir, progress=False)
    page.goto(dashboard_server.render_url("dashboard.ipynb"))
    wait_for_widgets(page, ".ab-figure")
    expect(figure(page, "audits")).to_have_attribute("data-value", str(len(frames.audits)))
    page.evaluate(RECORDER)

    # The team with the most escalated audits, so that the list has rows to follow.
    team = max(sorted(set(frames.audits["team"])), key=lambda t: len(
        S.behind(frames.filter(team=t), "escalated")))  # fmt: skip
    page.get_by_label("Team", exact=True).select_option(label=team)
    chosen = frames.filter(team=team)
    shared = on_shared_scale(chosen)
    n = len(chosen.audits)
    expect(page.get_by_role("status")).to_have_text(re.compile(f"^Showing {n} of "))
    expect(figure(page, "audits")).to_have_attribute("data-value", str(n))
    expect(page.locator(".ab-dashboard")).not_to_have_attribute("aria-busy", "true")
    log = page.evaluate("window.abLog")
    busy = [e for e in log if e["busy"]]
    assert busy, "the page never said it was updating"
    assert all(e["opacity"] == "0.4" for e in busy)  # the figures dimmed at once
    assert any(e["aria"] == "true" for e in log)
    assert any("Updating the figures" in e["status"] for e in busy)
    for e in log:
        if not e["busy"] or e["status"].startswith("Showing"):
            assert len(e["marks"]) == 1, e  # never figures of two choices as current
    assert not log[-1]["busy"] and log[-1]["aria"] is None
    assert log[-1]["marks"] == [f"|{team}|||All statuses"]
    expect(page.locator(".ab-headline")).to_have_css("opacity", "1")  # brought back

    # The count of escalated audits opens the list of them, each a link to its audit.
    escalated = S.behind(shared, "escalated")
    assert len(escalated), "the demo audits should have an escalated audit in some team"
    expect(figure(page, "escalated")).to_have_attribute("data-value", str(len(escalated)))
    page.get_by_role("button", name="List the escalated audits").click()
    listed = page.locator(".ab-list[data-list=escalated]")
    expect(listed.get_by_role("heading")).to_have_text(f"Escalated audits: {len(escalated)}")
    links = listed.locator("tbody a")
    expect(links).to_have_count(min(len(escalated), 50))
    shown = links.evaluate_all("links => links.map(a => a.dataset.audit)")
    assert sorted(shown) == sorted(escalated["audit_id"])
    assert serious_violations(page) == []

    first = links.first
    audit_id = first.get_attribute("data-audit")
    case = chosen.audits.set_index("audit_id").loc[audit_id, "case_id"]
    expect(first).to_have_text(case)
    first.click()
    page.wait_for_url(re.compile(rf"/voila/render/audit\.ipynb\?audit={re.escape(audit_id)}$"))
    wait_for_widgets(page, ".ab-form")
    expect(page.locator(".ab-form .ab-meta")).to_contain_text(f"Audit {audit_id}")
