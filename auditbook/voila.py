"""`python -m auditbook.voila ARGS`: Voilà's own command line, with a closed page's kernel shut
down as the page closes (auditbook.kernel_shutdown)."""

from __future__ import annotations

from auditbook.kernel_shutdown import install


def main() -> None:
    install()
    from voila.app import main as voila_main

    voila_main()


if __name__ == "__main__":
    main()
