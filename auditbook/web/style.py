"""The one stylesheet every page and rubric view shares (the `ab-` classes).

It imitates the GOV.UK Design System (design-system.service.gov.uk) in our own CSS: Arial at
19px, #0b0c0c text, #1d70b8 links, the yellow focus state, 2px black input borders, green,
grey and red buttons with a shadow, and its error summary, error message, hint, notification
banner, warning text and confirmation panel. It also overrides what makes Voilà and
ipywidgets look like a developer's notebook: their font variables, monospace text areas,
28px controls and grey backgrounds.
"""

_BASE = """
/* ---- Voilà and ipywidgets: a service page, not a notebook */
:root, body.jp-Notebook {
  --ab-font: arial, sans-serif;
  --jp-ui-font-family: var(--ab-font); --jp-content-font-family: var(--ab-font);
  --jp-ui-font-size1: 16px; --jp-content-font-size1: 19px; --jp-widgets-font-size: 19px;
  --jp-ui-font-color1: #0b0c0c; --jp-content-font-color1: #0b0c0c; --jp-widgets-color: #0b0c0c;
  --jp-widgets-inline-height: 40px; --jp-widgets-input-border-width: 2px;
  --jp-widgets-input-border-color: #0b0c0c; --jp-widgets-input-focus-border-color: #0b0c0c;
  --jp-widgets-input-padding: 5px; --jp-layout-color0: #fff; --jp-layout-color1: #fff;
  --jp-layout-color2: #f3f2f1; --jp-border-color1: #b1b4b6; --jp-brand-color1: #1d70b8;
}
body.jp-Notebook, body.jp-Notebook #main { background: #fff; }
body.jp-Notebook #rendered_cells { padding: 20px 30px 60px; background: #fff; color: #0b0c0c;
  font: 19px/1.32 var(--ab-font); }
#rendered_cells > div { max-width: 1200px; margin: 0 auto; }
#rendered_cells .jp-Cell { padding: 0; }
#rendered_cells .jp-RenderedHTMLCommon { padding: 0; font: inherit; color: inherit; }
#rendered_cells .jp-OutputArea-output, #rendered_cells .widget-html-content,
#rendered_cells .widget-label, #rendered_cells .widget-inline-hbox {
  font-family: var(--ab-font); font-size: 19px; color: #0b0c0c; }
#rendered_cells .widget-html-content { white-space: normal; line-height: 1.32; }
#rendered_cells .widget-label { line-height: 1.32; height: auto; min-height: 40px;
  display: flex; align-items: center; }
/* A button alone in a column is as wide as its words, as GOV.UK's are, not a full-width bar. */
#rendered_cells .widget-vbox > .jupyter-button { align-self: flex-start; }
#rendered_cells .jupyter-widgets { max-width: 100%; }
/* Space between the controls of a row from the row, not from margins that push the last one
   past the edge; :where() keeps this weaker than any ab- class's own gap. */
:where(#rendered_cells) .widget-hbox { column-gap: 15px; }
:where(#rendered_cells) .widget-inline-hbox { margin-left: 0; margin-right: 0; }
@media (max-width: 640px) {
  body.jp-Notebook #rendered_cells { padding: 15px; font-size: 16px; }
}

/* ---- type: GOV.UK headings and body text */
#rendered_cells h1, #rendered_cells h2, #rendered_cells h3, #rendered_cells h4,
.ab-doc h2, .ab-doc h3 { font-family: var(--ab-font); color: #0b0c0c; font-weight: 700; }
#rendered_cells h1 { font-size: 36px; line-height: 1.11; margin: 0 0 30px; }
#rendered_cells h2 { font-size: 27px; line-height: 1.15; margin: 30px 0 20px; }
#rendered_cells h3 { font-size: 21px; line-height: 1.25; margin: 25px 0 15px; }
#rendered_cells h4 { font-size: 19px; line-height: 1.32; margin: 20px 0 10px; }
#rendered_cells p { margin: 0 0 15px; line-height: 1.32; }
.jp-RenderedHTMLCommon h1 > a.jp-InternalAnchorLink { display: none; }

/* ---- links and the focus state */
#rendered_cells a, .ab-doc a { color: #1d70b8; text-decoration: underline;
  text-underline-offset: .1578em; }
#rendered_cells a:hover { color: #003078; text-decoration-thickness: 3px; }
#rendered_cells a:visited { color: #4c2c92; }
#rendered_cells a:focus, .ab-doc a:focus { outline: 3px solid transparent; color: #0b0c0c;
  background-color: #ffdd00; box-shadow: 0 -2px #ffdd00, 0 4px #0b0c0c; text-decoration: none; }
#rendered_cells summary:focus { outline: 3px solid transparent; background-color: #ffdd00;
  box-shadow: 0 -2px #ffdd00, 0 4px #0b0c0c; }

/* ---- inputs, selects, text areas: 2px black borders, the body font, yellow focus */
#rendered_cells input, #rendered_cells select, #rendered_cells textarea, #rendered_cells button {
  font-family: var(--ab-font); }
#rendered_cells .jupyter-widgets input[type="text"],
#rendered_cells .jupyter-widgets input[type="number"],
#rendered_cells .jupyter-widgets input[type="date"],
#rendered_cells .jupyter-widgets input[type="password"],
#rendered_cells .jupyter-widgets select, #rendered_cells .jupyter-widgets textarea {
  box-sizing: border-box; border: 2px solid #0b0c0c; border-radius: 0; color: #0b0c0c;
  background-color: #fff; font-size: 19px; line-height: 1.25; padding: 5px; max-width: 100%; }
#rendered_cells .jupyter-widgets input[type="text"],
#rendered_cells .jupyter-widgets input[type="number"],
#rendered_cells .jupyter-widgets input[type="date"],
#rendered_cells .jupyter-widgets select { height: 40px; }
#rendered_cells .jupyter-widgets select { padding-right: 28px;
  background-position: right 4px center; }
#rendered_cells .jupyter-widgets textarea { width: 100%; min-height: 6em; resize: vertical; }
#rendered_cells .jupyter-widgets input:focus, #rendered_cells .jupyter-widgets select:focus,
#rendered_cells .jupyter-widgets textarea:focus {
  outline: 3px solid #ffdd00 !important; outline-offset: 0; box-shadow: inset 0 0 0 2px #0b0c0c; }
#rendered_cells .jupyter-widgets input[type="checkbox"], #rendered_cells .widget-radio-box input {
  accent-color: #0b0c0c; width: 20px; height: 20px; }
#rendered_cells .jupyter-widgets input[type="checkbox"]:focus,
#rendered_cells .widget-radio-box input:focus { outline: 3px solid #ffdd00 !important;
  outline-offset: 1px; box-shadow: 0 0 0 6px #0b0c0c; }
#rendered_cells .widget-radio-box label { font-size: 19px; line-height: 1.32; }
#rendered_cells .widget-checkbox { height: auto; min-height: 40px; }
#rendered_cells .widget-checkbox label, #rendered_cells .widget-checkbox .widget-label-basic {
  font-size: 19px; }

/* ---- buttons like govuk-button: secondary grey by default, green primary, red warning */
#rendered_cells .jupyter-button {
  box-sizing: border-box; width: auto; height: auto; min-height: 40px; margin: 0 0 17px;
  padding: 8px 10px 7px; border: 2px solid transparent; border-radius: 0;
  font: 400 19px/1.1875 var(--ab-font); color: #0b0c0c; background-color: #f3f2f1;
  box-shadow: 0 2px 0 #929191; text-align: center; white-space: nowrap; overflow: visible;
  flex-shrink: 0; max-width: 100%; }
#rendered_cells .jupyter-button:hover:enabled { background-color: #dbdad9;
  box-shadow: 0 2px 0 #929191; }
#rendered_cells .jupyter-button.mod-primary, #rendered_cells .jupyter-button.mod-success {
  color: #fff; background-color: #00703c; box-shadow: 0 2px 0 #002d18; }
#rendered_cells .jupyter-button.mod-primary:hover:enabled,
#rendered_cells .jupyter-button.mod-success:hover:enabled { background-color: #005a30;
  box-shadow: 0 2px 0 #002d18; }
#rendered_cells .jupyter-button.mod-danger, #rendered_cells .jupyter-button.mod-warning {
  color: #fff; background-color: #d4351c; box-shadow: 0 2px 0 #55150b; }
#rendered_cells .jupyter-button.mod-danger:hover:enabled,
#rendered_cells .jupyter-button.mod-warning:hover:enabled { background-color: #aa2a16;
  box-shadow: 0 2px 0 #55150b; }
#rendered_cells .jupyter-button:active:enabled { top: 2px; box-shadow: none; }
#rendered_cells .jupyter-button:focus:enabled, #rendered_cells .jupyter-button:focus:hover:enabled {
  outline: 3px solid transparent; border-color: #ffdd00; color: #0b0c0c;
  background-color: #ffdd00; box-shadow: inset 0 0 0 1px #ffdd00, 0 2px 0 #0b0c0c; }
#rendered_cells .jupyter-button:disabled { opacity: .5; cursor: not-allowed; }
#rendered_cells .jupyter-button i.fa { margin-right: 6px; }

/* ---- tables like govuk-table */
.ab-table { border-collapse: collapse; border-spacing: 0; margin: 0 0 30px; font-size: 19px;
  width: auto; max-width: 100%; }
.ab-table caption { text-align: left; font-weight: 700; font-size: 21px; margin-bottom: 15px; }
.ab-table th, .ab-table td { border: 0; border-bottom: 1px solid #b1b4b6;
  padding: 10px 20px 10px 0; text-align: left; vertical-align: top; line-height: 1.25;
  overflow-wrap: break-word; }
@media (max-width: 900px) {
  .ab-table { font-size: 16px; }
  .ab-table th, .ab-table td { padding-right: 10px; overflow-wrap: anywhere; }
}
.ab-table th { font-weight: 700; background: none; }
.ab-table td.ab-num, .ab-table th.ab-num { text-align: right; font-variant-numeric: tabular-nums; }
.ab-scroll, .ab-table-wrap { overflow-x: auto; max-width: 100%; }
"""

# The rubric views (whole template, guidance files) and pieces every page uses.
_DOC = """
.ab-doc { font-family: arial, sans-serif; color: #0b0c0c; line-height: 1.32; max-width: 100%; }
.ab-doc h2 { font-size: 27px; margin: 30px 0 15px; }
.ab-doc h3 { font-size: 21px; margin: 25px 0 10px; padding-bottom: 5px;
  border-bottom: 1px solid #b1b4b6; }
.ab-meta, .ab-muted { color: #505a5f; font-size: 16px; }
.ab-notes { border-left: 10px solid #b1b4b6; padding: 15px; margin: 20px 0; color: #0b0c0c; }
.ab-item { margin: 15px 0; padding-left: 15px; border-left: 5px solid #b1b4b6; }
.ab-tag { display: inline-block; font-size: 16px; font-weight: 700; padding: 2px 8px 3px;
  margin-left: 5px; background: #e5e6e7; color: #0b0c0c; }
.ab-matrix { border-collapse: collapse; width: 100%; margin: 10px 0 20px; table-layout: fixed; }
.ab-matrix th, .ab-matrix td { border: 1px solid #b1b4b6; padding: 8px 10px; vertical-align: top;
  font-size: 16px; line-height: 1.25; text-align: left; overflow-wrap: anywhere; }
.ab-matrix th.ab-crit { width: 14%; background: #f3f2f1; }
.ab-swatch { display: inline-block; width: .8em; height: .8em; margin-right: .3em;
  vertical-align: middle; }
.ab-para { white-space: pre-wrap; }
.ab-error { color: #d4351c; font-weight: 700; }
.ab-sr { position: absolute !important; width: 1px !important; height: 1px !important;
  padding: 0 !important; margin: -1px !important; overflow: hidden !important;
  clip: rect(0 0 0 0) !important; white-space: nowrap !important; border: 0 !important; }
details > summary { cursor: pointer; color: #1d70b8; text-decoration: underline; }
"""

# The audit form and the auditor app (auditbook.forms.form, auditbook.pages.auditor).
_FORM = """
.ab-form, .ab-app { max-width: 100%; }
.ab-q { margin: 0 0 30px; max-width: 100%; }
/* Label above the input: ipywidgets gives the input a flex-basis of 148px, which becomes its
   height once the box is a column, so a select grew into a tall empty box. */
.ab-stack.widget-inline-hbox { flex-direction: column; align-items: stretch;
  height: auto !important; margin: 0 0 20px; width: 100%; }
.ab-stack.widget-inline-hbox > select, .ab-stack.widget-inline-hbox > input,
.ab-stack.widget-inline-hbox > textarea { flex: 0 0 auto; }
#rendered_cells .ab-stack.widget-dropdown > select { width: auto; min-width: 11.5em;
  max-width: min(100%, 24em); }
#rendered_cells .ab-stack > .widget-label { width: auto !important; max-width: none !important;
  white-space: normal; text-align: left; padding: 0; margin: 0 0 5px; font-weight: 700;
  min-height: 0; display: block; }
.ab-stack.widget-radio-box, .ab-stack .widget-radio-box { flex-direction: row; flex-wrap: wrap; }
.ab-stack .widget-radio-box label { margin-right: 1.2em; }
.ab-sr-label > .widget-label { position: absolute !important; width: 1px !important;
  height: 1px !important; min-height: 0 !important; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; padding: 0 !important; margin: 0 !important; }
.ab-desc { border-left: 6px solid #b1b4b6; padding: 10px 15px; background: #f3f2f1;
  margin: 0 0 15px; white-space: normal; line-height: 1.32; color: #0b0c0c; }
.ab-descriptor { margin-left: 15px; }
.ab-label { font-weight: 700; white-space: normal; }
.ab-status { font-weight: 700; white-space: normal; align-self: center; }
.ab-section-head { white-space: normal; }

/* The side navigation of sections, like a sub-navigation: the current one marked. */
#rendered_cells .ab-nav { margin-right: 30px; }
#rendered_cells .ab-nav .jupyter-button { width: 100%; margin: 0 0 5px; white-space: normal;
  text-align: left; justify-content: flex-start; box-shadow: none; background: #fff;
  color: #1d70b8; text-decoration: underline; border: 0; border-left: 5px solid transparent;
  padding: 6px 10px; font-size: 16px; line-height: 1.25; min-height: 0; }
#rendered_cells .ab-nav .jupyter-button.ab-current { border-left-color: #1d70b8;
  background: #f3f2f1; color: #0b0c0c; font-weight: 700; text-decoration: none; outline: none; }
#rendered_cells .ab-nav .jupyter-button:hover:enabled { background: #f3f2f1; color: #003078;
  box-shadow: none; text-decoration-thickness: 3px; }
#rendered_cells .ab-nav .jupyter-button.ab-current:hover:enabled { color: #0b0c0c; }
#rendered_cells .ab-error-summary .jupyter-button:hover:enabled { background: none;
  color: #942514; box-shadow: none; }
#rendered_cells .ab-nav .jupyter-button:focus:enabled { background: #ffdd00; color: #0b0c0c;
  box-shadow: inset 0 -4px 0 #0b0c0c; text-decoration: none; }
@media (max-width: 900px) {
  #rendered_cells .ab-nav { flex: 1 1 100% !important; margin: 0 0 20px; }
}
#rendered_cells .ab-missing .jupyter-button, #rendered_cells .ab-goto .jupyter-button {
  width: auto; max-width: 100%; white-space: normal; text-align: left; }
.ab-warnings-list:not(:empty) { border-left: 10px solid #1d70b8; padding: 15px; margin: 0 0 20px;
  white-space: normal; line-height: 1.32; }
.ab-warnings-list ul { margin: 5px 0; padding-left: 20px; }

/* The action table: the same columns for the headings and every row, so they line up. */
.ab-action-head, .ab-action-row.widget-hbox {
  display: grid !important; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr) 9.5em 9.5em 6em;
  gap: 10px 15px; align-items: start; width: 100%; box-sizing: border-box; }
.ab-action-head { font-weight: 700; margin: 10px 0 5px; }
.ab-action-head span { overflow-wrap: anywhere; }
.ab-action-head span:nth-child(n+4) { white-space: nowrap; }
.ab-actions-head.widget-html, .ab-action-rows.widget-vbox { margin: 0; width: 100%; }
.ab-action-row.widget-hbox { margin: 0 0 10px; }
.ab-action-row > .jupyter-widgets { width: auto !important; min-width: 0 !important;
  margin: 0 !important; }
#rendered_cells .ab-action-row .jupyter-button { margin: 0; width: 100%; padding-left: 5px;
  padding-right: 5px; }
#rendered_cells .ab-action-row input { width: 100%; min-width: 0; }
@media (max-width: 900px) {
  .ab-action-head { display: none !important; }
  .ab-action-rows { counter-reset: ab-action; }
  .ab-action-row.widget-hbox { grid-template-columns: minmax(0, 1fr); border: 1px solid #b1b4b6;
    padding: 15px; margin: 0 0 20px; counter-increment: ab-action; }
  .ab-action-row.widget-hbox::before { content: "Action " counter(ab-action); font-weight: 700;
    font-size: 21px; }
  #rendered_cells .ab-action-row > .ab-sr-label { flex-direction: column; align-items: stretch;
    height: auto; }
  #rendered_cells .ab-action-row .ab-sr-label > .widget-label { position: static !important;
    width: auto !important; height: auto !important; clip: auto; overflow: visible;
    white-space: normal; font-weight: 700; margin: 0 0 5px !important; min-height: 0 !important;
    display: block; max-width: none !important; text-align: left; }
  #rendered_cells .ab-action-row .jupyter-button { width: auto; justify-self: start; }
  #rendered_cells .ab-action-row input[type="date"] { width: auto; }
}
"""

# The dashboard, the trainer's calibration page and the trainee's exercise.
_PAGES = """
.ab-dashboard, .ab-calibration-page { max-width: 100%; }
.ab-filters { gap: 0 30px; }
.ab-filters .widget-dropdown select { min-width: 12em; }
.ab-figures { display: flex; flex-wrap: wrap; gap: 15px; margin: 10px 0 30px; }
.ab-figure { flex: 1 1 10em; border-top: 5px solid #1d70b8; padding: 15px; background: #f3f2f1; }
.ab-figure-value { font-size: 48px; font-weight: 700; line-height: 1.04; }
.ab-figure-label { font-weight: 700; }
.ab-figure-note { color: #505a5f; font-size: 16px; }
.ab-figure[data-figure="pct_good_or_better"] { border-top-color: #00703c; }
.ab-figure[data-figure="pct_inadequate"] { border-top-color: #d4351c; }
/* The dashboard's cards: a grid, so a short last row keeps the others' width; each card a
   widget box holding its figure and, under some, the button that lists what it counts. */
#rendered_cells .ab-headline .ab-figures { display: grid; gap: 15px; margin: 10px 0 15px;
  grid-template-columns: repeat(auto-fill, minmax(13em, 1fr)); }
#rendered_cells .ab-card { border-top: 5px solid #1d70b8; padding: 15px; background: #f3f2f1;
  min-width: 0; }
#rendered_cells .ab-card .ab-figure { border: 0; padding: 0; background: none; }
#rendered_cells .ab-card-pct_good_or_better { border-top-color: #00703c; }
#rendered_cells .ab-card-pct_inadequate, #rendered_cells .ab-card-overdue_actions,
#rendered_cells .ab-card-escalated, #rendered_cells .ab-card-escalations_unconfirmed {
  border-top-color: #d4351c; }
#rendered_cells .ab-card .jupyter-button.ab-list-open { background: none; box-shadow: none;
  border: 0; padding: 0; margin: 10px 0 0; height: auto; min-height: 0; color: #1d70b8;
  text-decoration: underline; text-underline-offset: .1578em; text-align: left;
  white-space: normal; font-size: 16px; line-height: 1.25; top: 0; }
#rendered_cells .ab-card .jupyter-button.ab-list-open:hover:enabled { background: none;
  color: #003078; text-decoration-thickness: 3px; }
#rendered_cells .ab-card .jupyter-button.ab-list-open.ab-current { color: #0b0c0c;
  font-weight: 700; text-decoration: none; }
#rendered_cells .ab-card .jupyter-button.ab-list-open:focus:enabled { background: #ffdd00;
  color: #0b0c0c; box-shadow: 0 -2px #ffdd00, 0 4px #0b0c0c; text-decoration: none;
  outline: 3px solid transparent; }
.ab-list-box { border-left: 5px solid #b1b4b6; padding: 0 0 0 15px; margin: 0 0 30px; }
.ab-list-title { margin-top: 10px !important; }
.ab-table.ab-list-table { margin-bottom: 15px; font-size: 16px; }
.ab-table.ab-list-table th, .ab-table.ab-list-table td { padding-right: 15px;
  overflow-wrap: normal; }
.ab-table.ab-list-table th[scope="row"] { font-weight: 400; }
.ab-table.ab-list-table .ab-nowrap { white-space: nowrap; }
@media (max-width: 900px) {
  .ab-table.ab-list-table th, .ab-table.ab-list-table td { padding-right: 10px; }
}
/* While a filter change is worked out: the figures dimmed at once (so a part already new is
   never shown as current beside one still old), and brought back as a whole. */
.ab-updating { font-weight: 700; }
.ab-dashboard .ab-headline, .ab-dashboard .ab-sections { transition: opacity .2s; }
.ab-dashboard.ab-busy .ab-headline, .ab-dashboard.ab-busy .ab-sections { opacity: .4;
  transition: none; }
.ab-small { background: #fff7bf; color: #594d00; padding: 0 5px; font-size: 16px;
  white-space: nowrap; }
.ab-downloads a { margin-right: 30px; font-weight: 700; }
.ab-chart { margin: 10px 0 30px; max-width: 100%; overflow-x: auto; }
.ab-chart img, .ab-chart svg { max-width: 100%; height: auto; }
.ab-calibration-page details > summary, .ab-calibration details > summary {
  font-weight: 700; margin: 10px 0; }
.ab-discuss li { margin: 5px 0; }
.ab-calibration-head h2 { margin-bottom: 5px; }
.ab-vignette { max-height: 26em; overflow-y: auto; border: 1px solid #b1b4b6; padding: 5px 20px;
  line-height: 1.4; max-width: 40em; }
.ab-vignette h4 { margin: 15px 0 5px; }
.ab-reveal .ab-table { max-width: 100%; }
.ab-reveal-summary { font-size: 21px; font-weight: 700; }
"""

# The trainer's descriptor explorer (auditbook.pages.guidance).
_EXPLORER = """
.ab-explorer h2 { font-size: 24px; }
.ab-criterion p { margin: 5px 0; }
#rendered_cells .ab-explorer .lm-TabBar { min-height: 44px; }
#rendered_cells .ab-explorer .lm-TabBar-content { border-bottom: 1px solid #b1b4b6; }
#rendered_cells .ab-explorer .lm-TabBar .lm-TabBar-tab { flex: 0 0 auto; min-width: 0;
  max-width: none; min-height: 44px; padding: 8px 20px; margin-right: 5px; font-size: 19px;
  color: #0b0c0c; background: #f3f2f1; border: 1px solid #f3f2f1; border-bottom: 0;
  line-height: 1.32; text-decoration: underline; text-underline-offset: .15em; }
#rendered_cells .ab-explorer .lm-TabBar .lm-TabBar-tab.lm-mod-current { background: #fff;
  border-color: #b1b4b6; text-decoration: none; margin-bottom: -1px; }
#rendered_cells .ab-explorer .lm-TabBar-tab:focus-visible { outline: 3px solid #ffdd00;
  box-shadow: inset 0 -4px 0 #0b0c0c; }
#rendered_cells .ab-explorer .lm-TabBar .lm-TabBar-tabLabel { line-height: 1.32; }
#rendered_cells .ab-explorer .widget-tab > .widget-tab-contents,
#rendered_cells .ab-explorer .jupyter-widget-tab > .widget-tab-contents {
  border: 1px solid #b1b4b6; border-top: 0; padding: 15px 20px; }
.ab-results { border-top: 1px solid #b1b4b6; }
.ab-hit-row { border-bottom: 1px solid #b1b4b6; padding: 5px 0; }
.ab-levels { border-collapse: collapse; width: 100%; table-layout: fixed; margin: 10px 0; }
.ab-levels th, .ab-levels td { border: 1px solid #b1b4b6; padding: 8px; vertical-align: top;
  text-align: left; overflow-wrap: anywhere; hyphens: auto; }
.ab-levels th { font-size: 16px; }
.ab-levels td { font-size: 16px; line-height: 1.3; }
.ab-vs { display: block; font-size: 14px; color: #505a5f; margin-bottom: 5px; font-style: italic; }
ins.ab-added { background: #fff7bf; color: #0b0c0c; text-decoration: underline 2px;
  text-underline-offset: 2px; }
del.ab-dropped { color: #942514; text-decoration: line-through; }
.ab-legend { font-size: 16px; margin: 5px 0; }
.ab-legend ins { padding: 0 .2em; }
.ab-hit { font-size: 16px; line-height: 1.32; }
.ab-hit .ab-where { color: #505a5f; font-size: 16px; }
.ab-hit mark { background: #fff7bf; color: #0b0c0c; }
.ab-side details { border-bottom: 1px solid #b1b4b6; margin: 0; padding: 10px 0; }
.ab-side summary { font-weight: 700; padding: 5px 0; }
.ab-side li { margin: 5px 0; font-size: 16px; }
.ab-side .ab-level-block { margin: 10px 0; font-size: 16px; }
.ab-side .ab-level-name { display: block; padding: 2px 6px; font-weight: 700; }
.ab-side p { margin: 5px 0; }
.ab-side details > .ab-para { font-size: 16px; margin: 5px 0; }
.ab-search.widget-hbox { flex-wrap: wrap; align-items: flex-end; gap: 0 10px; }
.ab-search .widget-text { flex: 1 1 12em !important; min-width: 0; margin: 0 0 17px; }
.ab-search .widget-text input { min-width: 0; }
@media (max-width: 900px) {
  .ab-explorer-body.widget-hbox { flex-wrap: wrap; }
  #rendered_cells .ab-explorer-body > .ab-side { flex: 1 1 100% !important;
    padding: 20px 0 0 !important; }
}
"""

# The auditor's list of saved audits (auditbook.pages.audit_list): filters in a row, a row per
# audit as a table's (its column names visually hidden, read out with each cell), and below
# 900px each row a card of labelled lines, as GOV.UK's summary cards.
_LIST = """
.ab-list-controls { margin: 0 0 10px; }
.ab-list-controls .ab-hint { margin: 0 0 10px; }
#rendered_cells .ab-list-controls input[type="text"] { width: 100%; max-width: 30em;
  margin: 0 0 20px; }
.ab-list-filters.widget-hbox { flex-wrap: wrap; gap: 0 20px; width: 100%; }
.ab-list-filters .ab-stack.widget-inline-hbox { width: auto; flex: 0 1 auto; margin-bottom: 15px;
  max-width: min(100%, 16em); }
#rendered_cells .ab-list-filters .ab-stack.widget-dropdown > select { min-width: 9em;
  width: 100%; max-width: 100%; }
.ab-list-bar.widget-hbox { flex-wrap: wrap; align-items: center; gap: 0 20px; width: 100%;
  border-top: 1px solid #b1b4b6; padding-top: 15px; margin: 0 0 5px; }
.ab-list-count.widget-html { flex: 1 1 16em; margin: 0; }
#rendered_cells .ab-list-count p { margin: 0 0 17px; font-weight: 700; }
#rendered_cells .ab-list-count p.ab-list-none { font-weight: 400; }
#rendered_cells .ab-list-bar .widget-dropdown { width: auto; margin: 0 0 17px; }
#rendered_cells .ab-list-bar .widget-dropdown > select { width: auto; }
#rendered_cells .jupyter-button.ab-link-button { background: none; box-shadow: none;
  border: 0; padding: 0; min-height: 0; color: #1d70b8; text-decoration: underline;
  text-underline-offset: .1578em; }
#rendered_cells .jupyter-button.ab-link-button:hover:enabled { background: none;
  box-shadow: none; color: #003078; text-decoration-thickness: 3px; }
#rendered_cells .jupyter-button.ab-link-button:focus:enabled { color: #0b0c0c;
  background: #ffdd00; box-shadow: 0 -2px #ffdd00, 0 4px #0b0c0c; text-decoration: none; }
.ab-list.widget-vbox { width: 100%; margin: 0 0 20px; }
.ab-list-cols { display: grid; column-gap: 15px; align-items: start; font-size: 16px;
  line-height: 1.25; grid-template-columns: minmax(6.5em, 1.1fr) minmax(0, 1.6fr)
  minmax(0, .8fr) minmax(0, .8fr) minmax(6em, .9fr) minmax(0, 1.2fr); }
.ab-list-cell { overflow-wrap: break-word; min-width: 0; }
.ab-list-label { position: absolute !important; width: 1px !important; height: 1px !important;
  overflow: hidden !important; clip: rect(0 0 0 0) !important; white-space: nowrap !important; }
.ab-list-id { display: block; color: #505a5f; font-size: 14px; }
.ab-list-head { font-weight: 700; border-bottom: 2px solid #0b0c0c; box-sizing: border-box;
  padding: 0 calc(3 * 100px + 3 * 10px) 8px 0; }
.ab-list-headrow.widget-html { width: 100%; margin: 0; }
#rendered_cells .ab-list-row.widget-hbox { display: grid; width: 100%; box-sizing: border-box;
  grid-template-columns: minmax(0, 1fr) repeat(3, 100px); column-gap: 10px; align-items: start;
  border-bottom: 1px solid #b1b4b6; padding: 10px 0; margin: 0; }
.ab-list-row > .widget-html { width: auto; min-width: 0; margin: 0; }
#rendered_cells .ab-list-row .jupyter-button { width: 100px; margin: 0; font-size: 16px;
  min-height: 0; padding: 6px 8px 5px; }
.ab-list-row:has(.ab-list-unreadable) .jupyter-button { display: none; }
.ab-list-unreadable { grid-template-columns: minmax(6.5em, 1.1fr) minmax(0, 5.3fr);
  color: #d4351c; }
.ab-list-row > .ab-list-note { grid-column: 1 / -1; width: 100%; margin: 10px 0 0; }
.ab-list-note:has(.widget-html-content:empty) { margin: 0; }
.ab-list-note .ab-download { margin: 0; font-weight: 700; }
.ab-tag-draft { background: #e5e6e7; }
.ab-tag-submitted { background: #bbd4ea; color: #0c2d4a; }
.ab-tag-moderated { background: #cce2d8; color: #005a30; }
.ab-tag-escalated { background: #f4cdc6; color: #2a0b06; }
.ab-list-cell .ab-tag { margin: 0 5px 4px 0; font-size: 14px; }
.ab-list-empty { border-left: 5px solid #1d70b8; padding-left: 15px; }
.ab-list-pager.widget-hbox { align-items: center; gap: 0 20px; flex-wrap: wrap; }
#rendered_cells .ab-list-pager p { margin: 0 0 17px; }
@media (max-width: 900px) {
  .ab-list-headrow.widget-html { display: none !important; }
  #rendered_cells .ab-list-row.widget-hbox { grid-template-columns: repeat(3, auto) minmax(0, 1fr);
    border: 1px solid #b1b4b6; padding: 15px; margin: 0 0 15px; row-gap: 10px; }
  .ab-list-row > .ab-list-cells { grid-column: 1 / -1; }
  .ab-list-cols, .ab-list-unreadable { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
    row-gap: 5px; }
  .ab-list-case, .ab-list-cell:last-child, .ab-list-unreadable .ab-list-cell {
    grid-column: 1 / -1; }
  .ab-list-cell { display: grid; grid-template-columns: 6.5em minmax(0, 1fr); column-gap: 10px; }
  .ab-list-label { position: static !important; width: auto !important; height: auto !important;
    overflow: visible !important; clip: auto !important; white-space: normal !important;
    font-weight: 700; }
  .ab-list-case strong { font-size: 19px; }
  .ab-list-id { display: inline; margin-left: 10px; }
}
@media (max-width: 640px) {
  .ab-list-cols, .ab-list-unreadable { grid-template-columns: minmax(0, 1fr); }
}
"""

# The GOV.UK patterns the form uses to tell the auditor about errors, escalation and success.
_PATTERNS = """
.ab-error-summary, .ab-unsaved { color: #0b0c0c; padding: 20px; margin: 0 0 30px;
  border: 5px solid #d4351c; background: #fff; }
.ab-error-summary:focus { outline: 3px solid #ffdd00; outline-offset: 0; }
.ab-error-summary h2, .ab-error-summary .ab-error-summary-title, .ab-unsaved h2 {
  font-size: 24px; font-weight: 700; line-height: 1.25; margin: 0 0 15px; }
.ab-error-summary ul { list-style: none; margin: 0; padding: 0; }
.ab-error-summary li { margin: 0 0 10px; }
#rendered_cells .ab-error-summary a, #rendered_cells .ab-error-summary .jupyter-button {
  color: #d4351c; font-weight: 700; text-decoration: underline; }
#rendered_cells .ab-error-summary .jupyter-button { background: none; box-shadow: none; border: 0;
  padding: 0; min-height: 0; margin: 0 0 10px; text-align: left; white-space: normal; }
#rendered_cells .ab-error-summary .jupyter-button:focus:enabled,
#rendered_cells .ab-error-summary a:focus { color: #0b0c0c; background: #ffdd00;
  box-shadow: 0 -2px #ffdd00, 0 4px #0b0c0c; text-decoration: none; }
.ab-saved { border-left: 10px solid #b1b4b6; padding: 0 0 0 15px; margin: 0 0 30px; }
.ab-saved h3 { margin-top: 0; }
.ab-saved .ab-saved-version { width: 100%; table-layout: fixed; }
.ab-saved-version th:first-child { width: 30%; }
.ab-saved-version th:nth-child(2) { width: 40%; }
.ab-field-error { border-left: 5px solid #d4351c; padding-left: 15px; box-sizing: border-box; }
.ab-field-error input, .ab-field-error select, .ab-field-error textarea {
  border-color: #d4351c !important; }
.ab-error-message { display: block; color: #d4351c; font-weight: 700; margin: 0 0 15px; }
.ab-hint { display: block; color: #505a5f; margin: 0 0 15px; }
.ab-banner { border: 5px solid #d4351c; background: #fff; color: #0b0c0c; margin: 0 0 30px;
  padding: 0 20px 15px; white-space: normal; }
.ab-banner > strong:first-child, .ab-banner .ab-banner-title { display: block;
  margin: 0 -20px 15px; padding: 2px 20px 7px; background: #d4351c; color: #fff;
  font-size: 19px; font-weight: 700; }
.ab-banner ul { margin: 5px 0 10px; padding-left: 20px; }
.ab-esc-at-question { position: relative; padding: 10px 0 10px 50px; margin: 0 0 15px;
  font-weight: 700; color: #0b0c0c; min-height: 35px; }
.ab-esc-at-question::before { content: "!" / ""; position: absolute; left: 0; top: 3px;
  box-sizing: border-box; min-width: 35px; min-height: 35px; border: 3px solid #0b0c0c;
  border-radius: 50%; background: #0b0c0c; color: #fff; font: 700 30px/29px arial, sans-serif;
  text-align: center; }
.ab-confirm { border: 5px solid #1d70b8; padding: 20px 20px 5px; margin: 0 0 30px;
  background: #fff; }
.ab-confirm h2, .ab-confirm .widget-html-content strong:first-child { font-size: 24px;
  margin-top: 0; }
.ab-confirm.widget-box, .ab-confirm .widget-hbox { flex-wrap: wrap; gap: 0 15px; }
.ab-panel-confirmation { box-sizing: border-box; margin: 0 0 30px; padding: 35px;
  border: 5px solid transparent; background: #00703c; color: #fff; text-align: center; }
#rendered_cells .ab-panel-confirmation h1, #rendered_cells .ab-panel-confirmation h2 {
  color: #fff; font-size: 48px; line-height: 1.04; margin: 0 0 30px; }
.ab-panel-confirmation, .ab-panel-confirmation * { color: #fff; }
.ab-panel-confirmation { font-size: 24px; }
@media (max-width: 640px) {
  .ab-error-summary, .ab-unsaved, .ab-panel-confirmation { padding: 15px; }
  #rendered_cells .ab-panel-confirmation h1, #rendered_cells .ab-panel-confirmation h2 {
    font-size: 32px; }
}
"""

CSS = "<style>" + _BASE + _DOC + _FORM + _PAGES + _LIST + _EXPLORER + _PATTERNS + "</style>"

# The same sheet: the form and the auditor app once had a sheet of their own.
FORM_CSS = CSS

# The form's layout for its messages (the patterns' looks are in _PATTERNS above): hint and
# error between a question's label and its input, and the escalation banner kept in view.
FORM_CSS += """
<style>
/* A labelled input's label and input become items of the question's column, so its hint
   and error message (a sibling widget) sit between them: label, hint, error, input. */
.ab-contents { display: contents !important; }
.ab-contents > .widget-label { order: -2; }
.ab-q-notes { order: -1; }
.ab-narrow > input { max-width: 14em !important; }
.ab-contents > select, .ab-contents > .widget-radio-box { margin-bottom: 15px; }
.ab-visually-hidden { position: absolute !important; width: 1px !important;
  height: 1px !important; overflow: hidden !important; clip: rect(0 0 0 0) !important;
  white-space: nowrap !important; }
.ab-connection-lost { position: fixed; top: 0; left: 0; right: 0; z-index: 1000;
  background: #d4351c; color: #fff; padding: 15px 20px; font-size: 19px; line-height: 1.3;
  font-family: arial, sans-serif; }
.ab-connection-lost[hidden] { display: none; }
.ab-sticky { position: sticky; top: 0; z-index: 20; background: #fff; padding: 4px 0; }
/* Sticky holds within the nearest box that scrolls: the page's, not the widget boxes around
   the banner (overflow: auto by default, though they never scroll). */
.widget-box:has(.ab-sticky), .jp-OutputArea:has(.ab-sticky),
.jp-OutputArea-child:has(.ab-sticky), .jp-OutputArea-output:has(.ab-sticky) {
  overflow: visible !important; }
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
/* white on black, whatever the page's link colours say (they come from the shared sheet) */
#rendered_cells .ab-header a.ab-header-link, #rendered_cells .ab-header a.ab-header-home,
#rendered_cells .ab-header a.ab-header-link:visited,
#rendered_cells .ab-header a.ab-header-home:visited { color: #fff !important; }
#rendered_cells .ab-header a.ab-header-link:focus,
#rendered_cells .ab-header a.ab-header-home:focus { color: #0b0c0c !important; }
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
