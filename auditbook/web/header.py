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
    label: str
    notebook: str  # the page's notebook, as Voilà serves it from the notebooks folder


PAGES = (
    Page("Audits", "audit.ipynb"),
    Page("Dashboard", "dashboard.ipynb"),
    Page("Guidance", "guidance.ipynb"),
    Page("Calibration", "calibration.ipynb"),
)
FIRST_PAGE = PAGES[0].notebook  # where the service starts (auditbook.serving.voila_pages)
# JupyterLab's output renderer, which Voilà uses, opens every link it takes for another site's
# in a new tab, and judges by the resolved address (http://…), so it would take these for
# one: a link that names its target keeps it.
SAME_TAB = ' target="_self"'


def header_html(user: str, current: str | None = None) -> str:
    """The header for the page whose notebook is `current` (marked aria-current="page"),
    naming `user` as signed in (escaped)."""
    if current is not None and current not in {p.notebook for p in PAGES}:
        raise ValueError(f"{current!r} is not one of the pages: {[p.notebook for p in PAGES]}")
    links = []
    for page in PAGES:
        here = page.notebook == current
        mark = ' aria-current="page"' if here else ""
        cls = "ab-header-link ab-header-link-current" if here else "ab-header-link"
        links.append(
            f'<li class="ab-header-item"><a class="{cls}" href="{escape(page.notebook)}"'
            f"{SAME_TAB}{mark}>{escape(page.label)}</a></li>"
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
