"""The Voilà command line that the app and the browser tests share."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path


def voila_command(
    notebook: str | Path, port: int, ip: str = "127.0.0.1", extra: Sequence[str] = ()
) -> list[str]:
    """Voilà serving `notebook` (a file, or a folder for /voila/render/<name>.ipynb) on ip:port."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        "--no-browser",
        f"--Voila.ip={ip}",
        f"--port={port}",
        # Auditors see a short error, never a traceback that may quote case data.
        "--show_tracebacks=False",
        # A kernel per notebook runs ahead of the first visit, so pages open in about a second.
        "--preheat_kernel=True",
        *extra,
    ]


def default_notebook() -> str:
    audit = Path("notebooks/audit.ipynb")
    return str(audit) if audit.exists() else "notebooks/guidance.ipynb"


def main(argv: Sequence[str] | None = None) -> None:
    """Replace this process with Voilà: `python -m auditbook.serve [--port N] [--notebook P]`."""
    parser = argparse.ArgumentParser(prog="python -m auditbook.serve", description=main.__doc__)
    parser.add_argument("--port", type=int, default=8866)
    parser.add_argument("--notebook", default=default_notebook())
    args = parser.parse_args(argv)
    cmd = voila_command(args.notebook, args.port)
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    main()
