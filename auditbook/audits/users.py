"""Who is using auditbook: the name recorded in an audit's history and the export log."""

from __future__ import annotations

import getpass
import os


def current_user() -> str:
    """Who is using the app: the user JupyterHub authenticated ($JUPYTERHUB_USER, set by the
    hub in each user's server and so in its kernels), else $AUDITBOOK_USER, else the
    operating-system account. Under a hub the name cannot be typed in or overridden."""
    return (
        os.environ.get("JUPYTERHUB_USER") or os.environ.get("AUDITBOOK_USER") or getpass.getuser()
    )
