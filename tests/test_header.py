"""The header on every page: the service, who is signed in, and links to the pages."""

from __future__ import annotations

import re

import pytest

from auditbook.pages.common import page_header
from auditbook.web.header import PAGES, header_html


def links(html: str) -> list[tuple[str, str, bool]]:
    """(href, text, current) for each page link."""
    return [
        (href, text, bool(current))
        for href, current, text in re.findall(
            r'<a class="ab-header-link[^"]*" href="([^"]*)" target="_self"'
            r'( aria-current="page")?>([^<]*)</a>',
            html,
        )
    ]


def test_every_page_is_linked_relatively_and_the_current_one_marked():
    # target="_self": JupyterLab's renderer would open them in a new tab (auditbook.web.header).
    html = header_html("SW-01", "dashboard.ipynb")
    assert links(html) == [
        ("audit.ipynb", "Audits", False),
        ("dashboard.ipynb", "Dashboard", True),
        ("guidance.ipynb", "Guidance", False),
        ("calibration.ipynb", "Calibration", False),
    ]
    assert html.count('aria-current="page"') == 1
    assert "auditbook" in html and "Case file audits" in html
    assert "Signed in as <strong>SW-01</strong>" in html


@pytest.mark.parametrize("page", PAGES, ids=[p.notebook for p in PAGES])
def test_each_page_marks_itself(page):
    [current] = [text for _, text, here in links(header_html("x", page.notebook)) if here]
    assert current == page.label


def test_the_users_name_is_escaped():
    html = header_html('<img src=x onerror="alert(1)">&co', "audit.ipynb")
    assert "<img" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;co" in html


def test_an_unknown_page_is_refused():
    with pytest.raises(ValueError, match="not one of the pages"):
        header_html("x", "explore.ipynb")


def test_page_header_names_the_signed_in_user_and_has_one_heading(monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.setenv("AUDITBOOK_USER", "QA <Lead>")
    html = page_header("calibration.ipynb").data
    assert "Signed in as <strong>QA &lt;Lead&gt;</strong>" in html
    assert html.count("<h1") == 1 and ">Calibration: the trainer&#x27;s view</h1>" in html
    assert "under “Calibration exercise”" in html  # what the page is for
    assert ".ab-header {" in html  # its stylesheet travels with it
    monkeypatch.setenv("JUPYTERHUB_USER", "hub-user")  # the hub's sign-in wins
    html = page_header("audit.ipynb").data
    assert "<strong>hub-user</strong>" in html and ">Case file audits</h1>" in html
