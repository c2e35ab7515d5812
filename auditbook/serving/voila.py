"""`python -m auditbook.serving.voila ARGS`: Voilà's own command line, with auditbook's additions to
its pages (auditbook.serving.voila_pages: a closed page's kernel shut down as the page closes, and a
Content-Security-Policy that keeps the page to its own server)."""

from __future__ import annotations

from auditbook.serving.voila_pages import install


def main() -> None:
    install()
    from voila.app import main as voila_main

    voila_main()


if __name__ == "__main__":
    main()
