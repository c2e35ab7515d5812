"""What every page shares: waiting for the person who opens it."""

from __future__ import annotations


def wait_for_visitor() -> None:
    """Under Voilà's preheated kernels, pause until a person opens the page.

    A preheated kernel runs the notebook before anyone visits; without this pause the list of
    saved audits would be as it was when the kernel started, not when the page was opened.
    """
    try:
        from voila.utils import wait_for_request
    except ImportError:  # not under Voilà
        return
    wait_for_request()
