"""The header at the top of every page: the service's name, who is signed in, and the pages.

The links are relative to the page ("dashboard.ipynb"), so they work wherever Voilà serves
the notebooks folder: /voila/render/ under `make app`, /user/<name>/voila/render/ under
JupyterHub. The stylesheet is auditbook.web.style.HEADER_CSS.
"""

from __future__ import annotations

from html import escape
from typing import NamedTuple

PRODUCT = "auditbook"
SERVICE = "Case file audits"


class Page(NamedTuple):
    label: str  # the header's link
    notebook: str  # the page's notebook, as Voilà serves it from the notebooks folder
    title: str  # the page's one heading
    lead: str = ""  # what the page is for, under its heading


PAGES = (
    # The auditor app's lead is on its list of audits, not above an open audit.
    Page("Audits", "audit.ipynb", "Case file audits"),
    Page(
        "Dashboard",
        "dashboard.ipynb",
        "Audit dashboard",
        "How good practice is, how far moderators agree, and which actions are overdue: choose "
        "a template, team, dates or status and every figure, chart and table follows. The "
        "counts of overdue actions, escalations and Inadequate audits each open a list of the "
        "audits behind them. The downloads give the audits shown as CSV or Excel.",
    ),
    Page(
        "Guidance",
        "guidance.ipynb",
        "Grade guidance",
        "Compare a criterion's descriptors level by level, with the words each level adds to "
        "the one below it highlighted; search every descriptor of every template; read the "
        "practice learning guidance alongside, or a whole template.",
    ),
    Page(
        "Calibration",
        "calibration.ipynb",
        "Calibration: the trainer's view",
        "Choose an exercise to see each trainee's grades against the reference and against "
        "each other: the spread of grades for every criterion, exact and within-one agreement, "
        "kappa and AC1, and the reference rationale to discuss. Trainees answer in the auditor "
        "app under “Calibration exercise”; press Refresh as they submit.",
    ),
)
FIRST_PAGE = PAGES[0].notebook  # where the service starts (auditbook.serving.voila_pages)
# JupyterLab's output renderer, which Voilà uses, opens every link it takes for another site's
# in a new tab, and judges by the resolved address (http://…), so it would take these for
# one: a link that names its target keeps it.
SAME_TAB = ' target="_self"'


def page(notebook: str) -> Page:
    """The page whose notebook is `notebook`; raises ValueError for any other."""
    for p in PAGES:
        if p.notebook == notebook:
            return p
    raise ValueError(f"{notebook!r} is not one of the pages: {[p.notebook for p in PAGES]}")


def header_html(user: str, current: str | None = None) -> str:
    """The header for the page whose notebook is `current` (marked aria-current="page"),
    naming `user` as signed in (escaped)."""
    if current is not None:
        page(current)
    links = []
    for p in PAGES:
        here = p.notebook == current
        mark = ' aria-current="page"' if here else ""
        cls = "ab-header-link ab-header-link-current" if here else "ab-header-link"
        links.append(
            f'<li class="ab-header-item"><a class="{cls}" href="{escape(p.notebook)}"'
            f"{SAME_TAB}{mark}>{escape(p.label)}</a></li>"
        )
    return (
        # No role="banner": Voilà puts the page's outputs inside its <main>, where a banner
        # landmark may not be.
        '<header class="ab-header">'
        '<div class="ab-header-bar">'
        f'<a class="ab-header-home" href="{escape(FIRST_PAGE)}"{SAME_TAB}>'
        f'<span class="ab-header-product">{escape(PRODUCT)}</span> '
        f'<span class="ab-header-service">{escape(SERVICE)}</span></a>'
        f'<p class="ab-header-user">Signed in as <strong>{escape(user)}</strong></p>'
        "</div>"
        '<nav class="ab-header-nav" aria-label="Pages">'
        f'<ul class="ab-header-list">{"".join(links)}</ul></nav>'
        "</header>"
    )
