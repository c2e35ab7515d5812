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
