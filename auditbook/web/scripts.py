"""Page scripts the app's pages run in the browser (plain JavaScript text)."""

# Hint text, error messages and escalation warnings are HTML beside their input, marked
# data-for="<key>"; the input's widget has the class ab-in-<key>. This ties each input to
# them with aria-describedby (so a screen reader reads the hint and the error with the
# question) and marks it aria-invalid while it has an error, as GOV.UK's pattern does. The
# widgets are drawn and redrawn by the page's widget manager, so it runs on every change to
# the page, at most once a frame.
DESCRIBED_BY = """
(() => {
  if (window.auditbookDescribedBy) return;
  window.auditbookDescribedBy = true;
  let queued = false;
  const tie = () => {
    queued = false;
    const byKey = new Map();
    document.querySelectorAll("[data-for][id]").forEach((el) => {
      const key = el.dataset.for;
      if (!byKey.has(key)) byKey.set(key, []);
      byKey.get(key).push(el);
    });
    document.querySelectorAll("[class*='ab-in-']").forEach((box) => {
      const cls = [...box.classList].find((c) => c.startsWith("ab-in-"));
      const notes = byKey.get(cls.slice(6)) || [];
      const ids = notes.map((el) => el.id).join(" ");
      const invalid = notes.some((el) => el.classList.contains("ab-error-message"));
      box.querySelectorAll("input, select, textarea").forEach((input) => {
        if ((input.getAttribute("aria-describedby") || "") !== ids) {
          if (ids) input.setAttribute("aria-describedby", ids);
          else input.removeAttribute("aria-describedby");
        }
        if (invalid) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      });
    });
  };
  new MutationObserver(() => {
    if (!queued) { queued = true; requestAnimationFrame(tie); }
  }).observe(document.body, { childList: true, subtree: true, characterData: true });
  tie();
})();
"""

# A lost connection is said at once: every few seconds the page asks its own server for one of
# the page's own script files (no kernel is started, nothing is written); when the server
# stops answering, a banner says so in words and that the last changes may not be saved, and
# goes when the server answers again (a reload then shows what was last saved).
CONNECTION_WATCH = """
(() => {
  if (window.auditbookConnectionWatch) return;
  window.auditbookConnectionWatch = true;
  const script = document.querySelector("script[src]");
  if (!script) return;
  const probe = script.src;
  const banner = document.createElement("div");
  banner.className = "ab-connection-lost";
  banner.setAttribute("role", "alert");
  banner.hidden = true;
  banner.innerHTML = "<strong>The connection to the server has been lost.</strong> "
    + "Changes made from now on are not being saved. Copy anything you have just typed, "
    + "then reload the page when the server is back: it shows what was last saved.";
  document.body.prepend(banner);
  let failures = 0;
  const check = async () => {
    let ok = false;
    try {
      const answer = await fetch(probe, { method: "HEAD", cache: "no-store" });
      ok = answer.status < 500;
    } catch (e) {
      ok = false;
    }
    failures = ok ? 0 : failures + 1;
    banner.hidden = failures < 2;  // two misses in a row: not one slow answer
    setTimeout(check, ok ? PERIOD : PERIOD / 2);
  };
  setTimeout(check, PERIOD);
})();
""".replace("PERIOD", "4000")

# The dashboard marks itself ab-busy while a filter change is worked out (its figures are
# dimmed, and its status line says "Updating the figures…"): this puts the same in aria-busy,
# which a widget cannot set, on the page and on each row of figures, so a screen reader waits
# for the new figures. It runs on every change of the page's classes, before it is drawn again.
BUSY = """
(() => {
  if (window.auditbookBusy) return;
  window.auditbookBusy = true;
  const mark = () => {
    document.querySelectorAll(".ab-dashboard").forEach((page) => {
      const busy = page.classList.contains("ab-busy");
      [page, ...page.querySelectorAll(".ab-figures")].forEach((e) => {
        if (busy && e.getAttribute("aria-busy") !== "true") e.setAttribute("aria-busy", "true");
        if (!busy && e.hasAttribute("aria-busy")) e.removeAttribute("aria-busy");
      });
    });
  };
  new MutationObserver(mark).observe(document.body,
    { attributes: true, attributeFilter: ["class"], childList: true, subtree: true });
  mark();
})();
"""


# The buttons of a row in the auditor's list of audits (auditbook.pages.audit_list) say whose
# audit they act on: "Resume" is read out as "Resume case C-0001", the words on the button
# first (WCAG's label in name). The row's cells carry data-whose; named here, in the page,
# so that a keystroke in the search box sends the kernel's rows and nothing more.
ROW_BUTTON_NAMES = """
(() => {
  if (window.auditbookRowButtonNames) return;
  window.auditbookRowButtonNames = true;
  let queued = false;
  const name = () => {
    queued = false;
    document.querySelectorAll(".ab-list-row").forEach((row) => {
      const cells = row.querySelector("[data-whose]");
      const whose = cells ? cells.dataset.whose : "";
      row.querySelectorAll("button").forEach((button) => {
        const label = whose ? `${button.textContent.trim()} ${whose}` : "";
        if ((button.getAttribute("aria-label") || "") === label) return;
        if (label) button.setAttribute("aria-label", label);
        else button.removeAttribute("aria-label");
      });
    });
  };
  new MutationObserver(() => {
    if (!queued) { queued = true; requestAnimationFrame(name); }
  }).observe(document.body, { childList: true, subtree: true, characterData: true });
  name();
})();
"""
