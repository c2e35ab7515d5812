"""The stylesheet the pages and rubric views share (the `ab-` classes)."""

CSS = """
<style>
.ab-doc { font-family: system-ui, sans-serif; line-height: 1.4; max-width: 100%; }
.ab-doc h2 { margin: 1.2em 0 .3em; }
.ab-doc h3 { margin: 1em 0 .3em; border-bottom: 1px solid #ccc; }
.ab-meta, .ab-muted { color: #555; font-size: .9em; }
.ab-notes { background: #fff8e1; border-left: 4px solid #f9a825; padding: .5em .8em; }
.ab-item { margin: .6em 0; padding-left: .6em; border-left: 3px solid #e0e0e0; }
.ab-tag { display: inline-block; font-size: .75em; padding: 0 .4em; margin-left: .3em;
          border-radius: 3px; background: #eceff1; color: #37474f; }
.ab-matrix { border-collapse: collapse; width: 100%; margin: .5em 0; table-layout: fixed; }
.ab-matrix th, .ab-matrix td { border: 1px solid #bbb; padding: .35em; vertical-align: top;
                               font-size: .85em; }
.ab-matrix th.ab-crit { width: 14%; text-align: left; background: #f5f5f5; }
.ab-swatch { display: inline-block; width: .8em; height: .8em; border-radius: 2px;
             margin-right: .3em; vertical-align: middle; }
.ab-para { white-space: pre-wrap; }
</style>
"""

# The audit form and the auditor app (auditbook.forms.form, auditbook.pages.auditor).
FORM_CSS = (
    CSS
    + """
<style>
.ab-form { max-width: 100%; }
.ab-stack.widget-inline-hbox { flex-direction: column; align-items: stretch; height: auto; }
.ab-stack > .widget-label { width: auto !important; max-width: none !important; white-space: normal;
  text-align: left; line-height: 1.3; padding: .2em 0; font-weight: 600; height: auto; }
.ab-stack.widget-radio-box, .ab-stack .widget-radio-box { flex-direction: row; flex-wrap: wrap; }
.ab-stack .widget-radio-box label { margin-right: 1.2em; }
.ab-sr-label > .widget-label { position: absolute !important; width: 1px !important;
  height: 1px !important; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.ab-q { margin: .5em 0 1em; }
.ab-desc { border-left: 6px solid #999; padding: .3em .6em; background: #fafafa; margin: .3em;
  white-space: normal; line-height: 1.35; }
.ab-label { font-weight: 600; white-space: normal; }
.ab-action-head { display: flex; gap: .5em; font-weight: 600; }
.ab-action-head span { flex: 1 1 22em; }
.ab-banner { background: #b71c1c; color: #fff; padding: .7em 1em; font-size: 1.1em;
  border-radius: 4px; white-space: normal; }
.ab-banner strong { color: #fff; }
.ab-status { font-weight: 600; white-space: normal; }
.ab-error { color: #b71c1c; }
.ab-nav .widget-button { width: 100%; text-align: left; justify-content: flex-start; }
.ab-nav button { white-space: normal; height: auto; min-height: 28px; }
.ab-section-head { white-space: normal; }
/* Jupyter's button colours fail WCAG AA contrast with white text: darker shades. */
.ab-form .mod-primary, .ab-app .mod-primary { background-color: #0d47a1; color: #fff; }
.ab-form .mod-success, .ab-app .mod-success { background-color: #1b5e20; color: #fff; }
.ab-form .mod-danger, .ab-app .mod-danger { background-color: #b71c1c; color: #fff; }
.ab-nav .ab-current { outline: 3px solid #0d47a1; outline-offset: -3px; font-weight: 700; }
.ab-missing .widget-button { width: auto; max-width: 100%; white-space: normal; height: auto;
  text-align: left; }
.ab-warnings-list:not(:empty) { border-left: 6px solid #8a6d00; background: #fff8e1;
  padding: .4em .8em; margin: .3em 0; white-space: normal; line-height: 1.35; }
.ab-warnings-list ul { margin: .3em 0; padding-left: 1.2em; }
.ab-goto .widget-button { width: auto; max-width: 100%; white-space: normal; height: auto; }
</style>
"""
)

# The form's messages, in GOV.UK's patterns: hint and error under the label, error summary,
# escalation at the question, the banner kept in view, confirmation steps.
FORM_CSS += """
<style>
/* A labelled input's label and input become items of the question's column, so its hint
   and error message (a sibling widget) sit between them: label, hint, error, input. */
.ab-contents { display: contents !important; }
.ab-contents > .widget-label { order: -2; }
.ab-q-notes { order: -1; }
.ab-narrow > input { max-width: 14em; }
.ab-hint { color: #505a5f; margin: 0 0 .4em; line-height: 1.35; }
.ab-error-message { color: #d4351c; font-weight: 700; margin: 0 0 .4em; }
.ab-field-error { border-left: 5px solid #d4351c; padding-left: 12px; }
.ab-field-error input, .ab-field-error textarea { border: 2px solid #d4351c; }
.ab-visually-hidden { position: absolute !important; width: 1px !important;
  height: 1px !important; overflow: hidden !important; clip: rect(0 0 0 0) !important;
  white-space: nowrap !important; }
.ab-error-summary-box:not(:empty) { border: 5px solid #d4351c; padding: 15px 20px;
  margin: .5em 0 1em; }
.ab-error-summary-title { margin: 0 0 .4em; font-size: 1.3em; }
.ab-error-summary-box .widget-button { background: none; border: 0; box-shadow: none;
  color: #d4351c; font-weight: 700; text-decoration: underline; text-align: left;
  white-space: normal; height: auto; width: auto; max-width: 100%; padding: .1em 0; }
.ab-esc-at-question { display: flex; gap: .8em; align-items: flex-start; margin: .6em 0;
  font-weight: 700; white-space: normal; }
.ab-esc-at-question p { margin: .2em 0 0; }
.ab-esc-icon { flex: 0 0 auto; width: 1.6em; height: 1.6em; border-radius: 50%;
  background: #0b0c0c; color: #fff; text-align: center; line-height: 1.6em;
  font-weight: 700; }
.ab-sticky { position: sticky; top: 0; z-index: 20; background: #fff; padding: 4px 0; }
/* Sticky holds within the nearest box that scrolls: the page's, not the widget boxes around
   the banner (overflow: auto by default, though they never scroll). */
.widget-box:has(.ab-sticky), .jp-OutputArea:has(.ab-sticky),
.jp-OutputArea-child:has(.ab-sticky), .jp-OutputArea-output:has(.ab-sticky) {
  overflow: visible !important; }
.ab-confirm { border: 3px solid #0b0c0c; padding: 15px 20px; margin: .5em 0;
  background: #fff; white-space: normal; }
.ab-panel-confirmation { background: #00703c; color: #fff; padding: 20px; margin: .5em 0;
  text-align: center; }
.ab-panel-confirmation h2 { color: #fff; margin: 0 0 .3em; }
</style>
"""

# ---------------------------------------------------------------- the header (web.header)
# On every page, above the page's own heading: GOV.UK's header pattern (a black bar, the
# service's name, a blue rule under it) with who is signed in and the pages. A block of its
# own, every class prefixed ab-header, so it stays apart from the page styles above.
# Selectors name the element as well as the class (and come later in the page), so that
# JupyterLab's rendered-HTML rules (link colours, list padding, heading sizes) do not win.
HEADER_CSS = """
<style>
.ab-header { background: #0b0c0c; color: #fff; border-bottom: 10px solid #1d70b8;
  font-family: arial, system-ui, sans-serif; padding: 0 15px; margin: 0 0 20px; }
.ab-header .ab-header-bar { display: flex; flex-wrap: wrap; align-items: baseline;
  justify-content: space-between; gap: 4px 30px; padding: 12px 0 8px; }
.ab-header a.ab-header-home, .ab-header a.ab-header-home:visited { color: #fff;
  text-decoration: none; font-size: 24px; line-height: 1.25; }
.ab-header .ab-header-product { font-weight: 700; }
.ab-header .ab-header-service { font-weight: 400; margin-left: 8px; }
.ab-header p.ab-header-user { margin: 0; padding: 0; font-size: 16px; line-height: 1.25;
  color: #fff; }
.ab-header .ab-header-user strong { color: #fff; font-weight: 700; }
.ab-header .ab-header-nav ul.ab-header-list { list-style: none; margin: 0; padding: 0 0 10px;
  display: flex; flex-wrap: wrap; gap: 6px 30px; }
.ab-header .ab-header-nav li.ab-header-item { margin: 0; padding: 0; }
.ab-header a.ab-header-link, .ab-header a.ab-header-link:visited { color: #fff;
  font-weight: 700; font-size: 16px; line-height: 1.25; text-decoration: none; }
.ab-header a.ab-header-link:hover, .ab-header a.ab-header-home:hover {
  text-decoration: underline; text-decoration-thickness: 3px; text-underline-offset: .2em; }
.ab-header a.ab-header-link.ab-header-link-current { text-decoration: underline;
  text-decoration-thickness: 3px; text-underline-offset: .3em; }
.ab-header a.ab-header-link:focus, .ab-header a.ab-header-home:focus { outline: 3px solid
  transparent; color: #0b0c0c; background: #fd0; box-shadow: 0 -2px #fd0, 0 4px #0b0c0c;
  text-decoration: none; }
h1.ab-header-title { font-family: arial, system-ui, sans-serif; font-size: 36px;
  font-weight: 700; line-height: 1.1; color: #0b0c0c; margin: 0 0 15px; }
p.ab-header-lead { font-size: 19px; line-height: 1.4; color: #0b0c0c; max-width: 46em;
  margin: 0 0 20px; }
.ab-header-problem { border: 5px solid #d4351c; padding: 15px 20px; margin: 0 0 25px;
  color: #0b0c0c; font-size: 19px; line-height: 1.3; max-width: 46em; }
.ab-header-problem:focus { outline: 3px solid #fd0; outline-offset: 0; }
.ab-header-problem .ab-header-problem-title { font-size: 24px; font-weight: 700;
  margin: 0 0 10px; color: #0b0c0c; border: 0; }
.ab-header-problem .ab-header-problem-body, .ab-header-problem .ab-error { color: #0b0c0c;
  font-weight: 400; }
.ab-header-problem p { margin: 0; }
@media (max-width: 640px) {
  .ab-header .ab-header-bar { flex-direction: column; gap: 4px; }
  h1.ab-header-title { font-size: 28px; }
}
</style>
"""
