"""JupyterHub for auditbook (deploy/jupyterhub_config.py): the spawner that runs every signed-in
user's Jupyter server as the hub's own service account, so that all of them read and write the
one shared audits folder, which the store keeps readable by its owner only (0700, files 0600)."""

from __future__ import annotations

import os
import shutil
import tempfile

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Unicode


class SharedAccountSpawner(LocalProcessSpawner):
    """Each user's server as a process of the account the hub runs as (the service account),
    in its own home folder, with a private umask.

    Users are not separated from each other by the operating system: every auditor may read
    every audit in the shared folder, by design, so the hub's sign-in is the boundary. Who saved
    and who exported come from the hub's signed-in user (JUPYTERHUB_USER, set by the hub in each
    server), not from the account. docs/deploy.md says what that trusts."""

    home_dir_template = Unicode(
        "/var/lib/auditbook-hub/users/{username}",
        config=True,
        help="Each user's home folder (settings, notebook checkpoints); {username} is the "
        "hub's user name. Created 0700 at the first start.",
    )

    def home_dir(self) -> str:
        return self.home_dir_template.format(username=self.user.name)

    def make_preexec_fn(self, name):
        """Unlike LocalProcessSpawner, keep the hub's account: no switch to a system user."""
        home = self.home_dir()

        def preexec():
            os.umask(0o077)
            os.makedirs(home, 0o700, exist_ok=True)
            os.chdir(home)

        return preexec

    def user_env(self, env):
        """LocalProcessSpawner looks the user up among the system's accounts; these users
        have none."""
        env["USER"] = self.user.name
        env["HOME"] = self.home_dir()
        env["SHELL"] = "/bin/sh"
        env["JUPYTER_RUNTIME_DIR"] = self.runtime_dir()
        return env

    _runtime: str | None = None

    def runtime_dir(self) -> str:
        """A short private folder (0700, from mkdtemp) for the server's kernel connection files
        and sockets. Kernels talk over Unix sockets (serve.KERNEL_TRANSPORT), whose paths must
        fit in 107 bytes: under the user's home they may not."""
        if not self._runtime or not os.path.isdir(self._runtime):
            self._runtime = tempfile.mkdtemp(prefix="auditbook-")
        return self._runtime

    async def stop(self, now=False):
        await super().stop(now=now)
        if self._runtime:
            shutil.rmtree(self._runtime, ignore_errors=True)
            self._runtime = None
