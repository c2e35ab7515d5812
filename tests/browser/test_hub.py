"""Many users on JupyterHub: the shipped deploy/jupyterhub_config.py run for real, with its
proxy, its spawner and Voilà's server extension in each user's server. Two people sign in with
their own passwords, open the same audit from the one shared folder, and the second save is
refused and names the first; who saved and who exported is the signed-in user.

Only the sign-in is the test's own: a per-user password authenticator stands in for Microsoft
Entra ID, which needs the internet. Ports are free loopback ports."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from auditbook.analytics import load_audits
from auditbook.analytics import summaries as S
from auditbook.demo import generate
from auditbook.serving.serve import ServerProcess, free_port

from .conftest import PAGE_TIMEOUT, ROOT, page_kernel, wait_for_kernel_to_end, wait_for_widgets
from .test_audit_page import PLR, choose_audit, type_into

pytestmark = pytest.mark.browser

DEPLOY = ROOT / "deploy" / "jupyterhub_config.py"
PROXY = ROOT / "deploy" / "node_modules" / ".bin" / "configurable-http-proxy"
PASSWORDS = {"alice.auditor": "alice-not-a-secret", "bob.moderator": "bob-not-a-secret"}
START_TIMEOUT = 90  # seconds for the hub to answer
SPAWN_TIMEOUT = 150_000  # milliseconds from signing in to the app on screen

TEST_CONFIG = """\
# The shipped configuration, with a test sign-in and free ports (tests/browser/test_hub.py).
import os

from jupyterhub.auth import Authenticator

load_subconfig({deploy!r})

PASSWORDS = {passwords!r}


class PerUserPasswords(Authenticator):
    async def authenticate(self, handler, data):
        name = data.get("username", "")
        return name if name in PASSWORDS and data.get("password") == PASSWORDS[name] else None


c.JupyterHub.authenticator_class = PerUserPasswords
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
if os.geteuid() == 0:  # CI runs as root; the shipped file leaves Jupyter's refusal of root on
    c.Spawner.args = [*c.Spawner.args, "--allow-root"]
"""


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if not os.access(PROXY, os.X_OK):
        pytest.fail(
            f"JupyterHub's proxy is missing ({PROXY}): `make test` installs it with npm ci in "
            "deploy/.",
            pytrace=False,
        )
    work = tmp_path_factory.mktemp("hub")
    state, audits = work / "state", work / "shared" / "audits"
    audits.mkdir(parents=True)
    users = work / "users.txt"
    users.write_text("\n".join(PASSWORDS) + "\n", encoding="utf-8")
    port, hub_port, api_port = free_port(), free_port(), free_port()
    config = work / "test_config.py"
    config.write_text(
        TEST_CONFIG.format(
            deploy=str(DEPLOY),
            passwords=PASSWORDS,
            port=port,
            hub_port=hub_port,
            api_port=api_port,
        ),
        encoding="utf-8",
    )
    env = {
        "AUDITBOOK_HOME": str(ROOT),
        "AUDITBOOK_AUDITS": str(audits),
        "AUDITBOOK_HUB_STATE": str(state),
        "AUDITBOOK_HUB_USERS": str(users),
    }
    try:
        server = ServerProcess(
            [sys.executable, "-m", "jupyterhub", "-f", str(config)],
            work / "hub.log",
            f"http://127.0.0.1:{port}",
            probe="/hub/api",
            cwd=work,
            env=env,
            timeout=START_TIMEOUT,
            name="JupyterHub",
            stop_timeout=30,  # the hub stops the proxy and the users' servers on its way out
        )
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    server.state, server.audits = state, audits
    with server:
        yield server


def sign_in(browser, hub: ServerProcess, name: str, password: str):
    """A person's own browser: sign in at the hub and land on the app in their own server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(PAGE_TIMEOUT)
    expect.set_options(timeout=PAGE_TIMEOUT)  # as the page fixture sets it, when run alone
    page = context.new_page()
    page.goto(hub.url + "/hub/login")
    page.locator("input[name=username]").fill(name)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name=re.compile("sign in", re.I)).click()
    app = re.compile(rf"/user/{re.escape(name)}/voila/render/audit\.ipynb")
    page.wait_for_url(app, timeout=SPAWN_TIMEOUT)
    page.wait_for_selector("#loading", state="detached", timeout=SPAWN_TIMEOUT)
    wait_for_widgets(page, ".ab-app")
    expect(page.locator(".ab-header-user")).to_have_text(f"Signed in as {name}")  # the hub's
    return context, page


def to_the_list(page) -> None:
    """The app afresh, on its list (a reload would reopen the audit in the address)."""
    page.goto(page.url.split("?", 1)[0])
    wait_for_widgets(page, ".ab-app")


def resume(page, audit_id: str) -> None:
    """Back to the landing page, fresh from the shared folder, and open the audit."""
    to_the_list(page)
    choose_audit(page, audit_id).get_by_role("button", name="Resume").click()


def audit_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.json") if not p.name.endswith(".prev.json"))


def test_two_signed_in_users_one_audit_second_save_refused(browser, hub):
    alice_ctx, alice = sign_in(browser, hub, "alice.auditor", PASSWORDS["alice.auditor"])
    bob_ctx, bob = sign_in(browser, hub, "bob.moderator", PASSWORDS["bob.moderator"])
    try:
        # Each is in their own server, as the hub started it, with a private home folder.
        assert "/user/alice.auditor/" in alice.url and "/user/bob.moderator/" in bob.url
        for name in PASSWORDS:
            assert (hub.state / "users" / name).stat().st_mode & 0o777 == 0o700

        # Alice starts an audit; it is written to the shared folder as hers.
        before = set(audit_files(hub.audits))
        alice.locator(".ab-new-audit").get_by_label("Template").select_option(label=PLR)
        alice.get_by_role("button", name="New audit").click()
        type_into(alice, "ID Number", "C-HUB-1")
        alice.get_by_role("button", name="Save draft").click()
        expect(alice.get_by_text(re.compile(r"^Saved \d.* by alice.auditor"))).to_be_visible()
        [path] = set(audit_files(hub.audits)) - before
        record = json.loads(path.read_text(encoding="utf-8"))
        assert record["saved"]["by"] == "alice.auditor"

        # Bob, in his own server, finds it in the shared folder and opens it.
        resume(bob, record["id"])
        expect(bob.get_by_label("ID Number", exact=True)).to_have_value("C-HUB-1")

        # Alice saves a change; Bob, still on the copy he opened, cannot overwrite it.
        type_into(alice, "Team Case held in", "Team-Alice")
        alice.get_by_role("button", name="Save draft").click()
        expect(alice.get_by_text(re.compile(r"^Saved \d.* by alice.auditor"))).to_have_count(1)
        wait_until(lambda: read(path)["answers"].get("team") == "Team-Alice", path)
        type_into(bob, "Team Case held in", "Team-Bob")
        bob.get_by_role("button", name="Save draft").click()
        refusal = re.compile("saved by alice.auditor at .* since you opened it")
        expect(bob.get_by_text(refusal)).to_be_visible()
        on_disk = read(path)
        assert on_disk["answers"]["team"] == "Team-Alice"
        assert on_disk["saved"]["by"] == "alice.auditor"
        assert "Team-Bob" not in path.read_text(encoding="utf-8")

        # Reopened, Bob sees Alice's version; his save now goes through, as him.
        resume(bob, record["id"])
        expect(bob.get_by_label("Team Case held in", exact=True)).to_have_value("Team-Alice")
        type_into(bob, "Team Case held in", "Team-Bob")
        bob.get_by_role("button", name="Save draft").click()
        expect(bob.get_by_text(re.compile(r"^Saved \d.* by bob.moderator"))).to_be_visible()
        on_disk = read(path)
        assert on_disk["answers"]["team"] == "Team-Bob"
        assert on_disk["saved"]["by"] == "bob.moderator"
        assert {"alice.auditor", "bob.moderator"} <= {h["by"] for h in on_disk["history"]}

        # Bob exports it: the export log names him, from the hub, not from anything typed.
        to_the_list(bob)
        row = choose_audit(bob, record["id"])
        bob.get_by_label("Export as").select_option(label="Word")
        row.get_by_role("button", name="Export").click()
        expect(bob.get_by_role("link", name=f"Download {record['id']}.docx")).to_be_visible()
        log = hub.audits.parent / "exports-log.jsonl"
        [entry] = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
        assert entry["by"] == "bob.moderator"
        assert entry["format"] == "docx"
    finally:
        alice_ctx.close()
        bob_ctx.close()


def test_analysts_get_the_dashboard_over_the_shared_folder(browser, hub, tmp_path):
    generate(tmp_path, n=40, seed=21)  # other people's audits, copied into the one folder
    for audit in tmp_path.glob("*.json"):
        shutil.copy2(audit, hub.audits / audit.name)
    expected = S.headline(load_audits(hub.audits))
    assert expected["audits"] > 0
    context, page = sign_in(browser, hub, "alice.auditor", PASSWORDS["alice.auditor"])
    try:
        # The header's relative link, under the user's own server's prefix.
        page.locator(".ab-header").get_by_role("link", name="Dashboard", exact=True).click()
        page.wait_for_url(f"{hub.url}/user/alice.auditor/voila/render/dashboard.ipynb")
        wait_for_widgets(page, ".ab-figure")
        audits = page.locator('.ab-figure[data-figure="audits"] .ab-figure-value')
        expect(audits).to_have_text(str(expected["audits"]))
    finally:
        context.close()


def test_closing_the_app_ends_its_kernel_in_the_users_server(browser, hub):
    # voila#1458: Voilà's page asks for its kernel's shutdown as it closes, a request refused
    # without an _xsrf cookie. Under the hub, JupyterHub's single-user server sets that cookie
    # on the page (auditbook.serving.voila_pages does it for plain Jupyter servers and Voilà), so
    # the kernel goes when the page closes, not when idle culling finds it 15 minutes later.
    context, page = sign_in(browser, hub, "alice.auditor", PASSWORDS["alice.auditor"])
    api = context.new_page()

    def kernels() -> set[str]:
        response = api.goto(f"{hub.url}/user/alice.auditor/api/kernels")
        assert response.status == 200, response.status
        return {k["id"] for k in json.loads(response.text())}

    try:
        response = page.reload()  # the app as the user's server sends it, with its policy
        assert "default-src 'self'" in response.headers["content-security-policy"]
        wait_for_widgets(page, ".ab-app")
        kernel = page_kernel(page)
        assert kernel in kernels()
        page.goto(f"{hub.url}/hub/home")  # alice leaves the app for the hub's home page
        wait_for_kernel_to_end(kernel, lambda k: k in kernels())
    finally:
        context.close()


def test_a_user_cannot_open_another_users_server(browser, hub):
    alice_ctx, _ = sign_in(browser, hub, "alice.auditor", PASSWORDS["alice.auditor"])
    bob_ctx, bob = sign_in(browser, hub, "bob.moderator", PASSWORDS["bob.moderator"])
    try:
        # Alice's server is running; Bob, signed in, is refused by it, page and API alike.
        for path in ("voila/render/audit.ipynb", "api/contents", "api/kernels"):
            response = bob.goto(f"{hub.url}/user/alice.auditor/{path}")
            assert response.status == 403, (path, response.status, bob.url)
            assert bob.locator(".ab-app").count() == 0
    finally:
        alice_ctx.close()
        bob_ctx.close()


def test_wrong_password_and_strangers_are_refused(browser, hub):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(hub.url + "/user/alice.auditor/voila/render/audit.ipynb")
        expect(page.locator("input[name=password]")).to_be_visible()  # sent to sign in
        assert page.locator(".ab-app").count() == 0
        for name, password in (("alice.auditor", "wrong"), ("mallory", "anything")):
            page.goto(hub.url + "/hub/login")
            page.locator("input[name=username]").fill(name)
            page.locator("input[name=password]").fill(password)
            page.get_by_role("button", name=re.compile("sign in", re.I)).click()
            expect(page.get_by_text(re.compile("Invalid username or password"))).to_be_visible()
    finally:
        context.close()


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def wait_until(condition, path: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} never changed as expected:\n{path.read_text()}")
        time.sleep(0.2)
