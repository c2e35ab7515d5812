"""`python -m auditbook.serving.voila [--first-page=NAME.ipynb] ARGS`: Voilà's own command line,
with auditbook's additions to its pages (auditbook.serving.voila_pages: a closed page's kernel shut
down as the page closes, a Content-Security-Policy that keeps the page to its own server, and the
root URL and file listing redirected to the first page, NAME.ipynb, default audit.ipynb)."""

from __future__ import annotations

import sys

from auditbook.serving.voila_pages import install

FIRST_PAGE_ARG = "--first-page="


def main() -> None:
    # Ours, not Voilà's: taken off the command line before Voilà reads it.
    first = [a for a in sys.argv[1:] if a.startswith(FIRST_PAGE_ARG)]
    sys.argv[1:] = [a for a in sys.argv[1:] if not a.startswith(FIRST_PAGE_ARG)]
    install(first[-1][len(FIRST_PAGE_ARG) :] if first else None)
    from voila.app import main as voila_main

    voila_main()


if __name__ == "__main__":
    main()
