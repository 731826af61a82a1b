// The HTML report's inline stylesheet and script: the report is one file that needs no network.

/** The report's CSS. */
export const REPORT_CSS = `
:root { --fg: #1d2330; --muted: #5b6474; --line: #dde2ea; --bg: #f6f7f9; --card: #fff; --pass: #1a7f37; --pass-bg: #e6f4ea;
  --fail: #c62828; --fail-bg: #fdecea; --error: #8e24aa; --error-bg: #f5e9f8; --skip: #8a8f98; --accent: #2457c5; --mark: #fff1a8; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
header.top { background: #1d2330; color: #fff; padding: 20px 32px 16px; }
header.top h1 { margin: 0 0 2px; font-size: 20px; font-weight: 600; }
header.top .sub { color: #b9c1cf; font-size: 13px; }
main { max-width: 1200px; margin: 0 auto; padding: 20px 32px 48px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 16px 0 4px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 120px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .count { font-size: 26px; font-weight: 650; }
.card.pass .count { color: var(--pass); } .card.fail .count { color: var(--fail); } .card.error .count { color: var(--error); }
nav.tabs { display: flex; gap: 16px; align-items: center; margin: 18px 0 8px; flex-wrap: wrap; }
nav.tabs a { color: var(--accent); text-decoration: none; font-weight: 500; }
nav.tabs .spacer { flex: 1; }
button { font: inherit; border: 1px solid var(--line); background: var(--card); border-radius: 6px; padding: 3px 10px; cursor: pointer; color: var(--fg); }
button[aria-pressed="true"] { background: var(--fg); color: #fff; border-color: var(--fg); }
h2 { font-size: 17px; margin: 28px 0 10px; }
h3 { font-size: 15px; margin: 18px 0 8px; }
section.action { background: var(--card); border: 1px solid var(--line); border-radius: 8px; margin: 14px 0; min-width: 0; }
section.action > h3 { margin: 0; padding: 10px 14px; border-bottom: 1px solid var(--line); display: flex; gap: 12px; align-items: baseline; }
section.action > h3 .counts { color: var(--muted); font-weight: 400; font-size: 13px; }
details.case { border-top: 1px solid var(--line); }
details.case:first-of-type { border-top: 0; }
details.case > summary { list-style: none; cursor: pointer; padding: 7px 14px; display: flex; gap: 10px; align-items: center; }
details.case > summary::-webkit-details-marker { display: none; }
details.case > summary::before { content: "▸"; color: var(--muted); width: 10px; }
details.case[open] > summary::before { content: "▾"; }
details.case > summary:hover { background: #f0f3f8; }
.badge { font-size: 11px; font-weight: 700; text-transform: uppercase; border-radius: 4px; padding: 1px 6px; letter-spacing: .03em; }
.badge.pass { color: var(--pass); background: var(--pass-bg); } .badge.fail { color: var(--fail); background: var(--fail-bg); } .badge.error { color: var(--error); background: var(--error-bg); }
.case-name { flex: 1; min-width: 0; overflow-wrap: anywhere; }
.dur { color: var(--muted); font-variant-numeric: tabular-nums; font-size: 13px; }
.case-body { padding: 4px 18px 16px 34px; overflow-wrap: anywhere; }
.meta { color: var(--muted); font-size: 12.5px; }
.box { border-radius: 6px; padding: 8px 12px; margin: 10px 0; }
.box.error { background: var(--error-bg); border-left: 3px solid var(--error); }
.box.fail { background: var(--fail-bg); border-left: 3px solid var(--fail); }
.box ul { margin: 4px 0; padding-left: 20px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
/* Long values wrap inside their box: no value may widen a card or the page. */
pre { white-space: pre-wrap; overflow-wrap: anywhere; max-width: 100%; }
td code, li code, .box { overflow-wrap: anywhere; }
code.path { background: #eef1f6; border-radius: 3px; padding: 0 4px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.diff { table-layout: fixed; }
table.diff th:first-child { width: 22%; }
table.diff td.expected { background: var(--pass-bg); } table.diff td.actual { background: var(--fail-bg); }
table.diff del.chg, table.diff ins.chg { text-decoration: none; border-radius: 2px; padding: 0 1px; }
table.diff del.chg { background: #9fe0ae; color: #0b4a1c; } table.diff ins.chg { background: #f6a7a7; color: #6b0d0d; }
.payloads { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 12px; }
.payloads > div { min-width: 0; }
@media (max-width: 900px) { .payloads { grid-template-columns: 1fr; } }
.payloads h4 { margin: 8px 0 4px; font-size: 13px; color: var(--muted); }
pre.json { position: relative; background: #fbfbfd; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; margin: 0; max-height: 360px; overflow: auto; }
.j-k { color: #7a2e8e; } .j-s { color: #1a6d2f; } .j-n { color: #1f4fb5; } .j-b { color: #a35400; } .j-null { color: var(--skip); }
.j-ghost { color: var(--fail); font-style: italic; }
mark.hl { background: var(--mark); outline: 2px solid #e0b400; border-radius: 2px; color: inherit; }
.timeline { margin: 6px 0; }
.timeline .row { display: grid; grid-template-columns: 130px 1fr 80px; gap: 10px; align-items: center; font-size: 12.5px; padding: 2px 0; }
.timeline .track { position: relative; height: 14px; background: #eef1f6; border-radius: 3px; }
.timeline .bar { position: absolute; top: 0; bottom: 0; border-radius: 3px; background: var(--pass); min-width: 2px; }
.timeline .bar.bad { background: var(--fail); } .timeline .bar.skipped { background: var(--skip); opacity: .5; }
.timeline .shared { color: var(--muted); font-style: italic; }
.logs { margin: 4px 0; padding: 0; list-style: none; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; }
.logs li .lvl { display: inline-block; width: 46px; color: var(--muted); }
.logs li.warn .lvl { color: #a35400; } .logs li.error .lvl { color: var(--fail); }
.steps { margin: 4px 0; padding-left: 20px; } .steps li { margin: 4px 0; } .steps .lvl { font-weight: 600; }
.steps li.failed .lvl { color: var(--fail); } .steps li.skipped { color: var(--muted); }
.steps pre { background: #fbfbfd; border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; margin: 4px 0 0; max-height: 240px; overflow: auto; }
.pctbar { display: inline-block; width: 80px; height: 8px; background: #eef1f6; border-radius: 4px; vertical-align: middle; margin-left: 6px; overflow: hidden; }
.pctbar i { display: block; height: 100%; }
.lo i { background: var(--fail); } .mid i { background: #e0a100; } .hi i { background: var(--pass); }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; margin: 12px 0; overflow-x: auto; }
.quicklist a { color: var(--fail); }
body.only-failures details.case[data-status="pass"], body.only-failures section.action.all-pass { display: none; }
footer { color: var(--muted); font-size: 12px; margin-top: 32px; }
`;

/** The report's script: the failures filter, expand/collapse all, opening a case named in the URL fragment, and scrolling payloads to their highlights. */
export const REPORT_JS = `
(function () {
  var body = document.body;
  function openFromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.tagName === "DETAILS") { el.open = true; el.scrollIntoView({ block: "start" }); }
  }
  document.querySelectorAll("[data-filter]").forEach(function (button) {
    button.addEventListener("click", function () {
      var failures = button.getAttribute("data-filter") === "failures";
      body.classList.toggle("only-failures", failures);
      document.querySelectorAll("[data-filter]").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
    });
  });
  document.querySelectorAll("[data-expand]").forEach(function (button) {
    button.addEventListener("click", function () {
      var open = button.getAttribute("data-expand") === "all";
      document.querySelectorAll("details.case").forEach(function (d) { if (!open || getComputedStyle(d).display !== "none") d.open = open; });
    });
  });
  // A highlighted value may sit below the fold of its payload box: scroll the box to the first one when a case opens.
  document.querySelectorAll("details.case").forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (!details.open) return;
      details.querySelectorAll("pre.json").forEach(function (pre) {
        var mark = pre.querySelector("mark.hl");
        if (mark && mark.offsetTop + mark.offsetHeight > pre.clientHeight) pre.scrollTop = Math.max(0, mark.offsetTop - 48);
      });
    });
  });
  window.addEventListener("hashchange", openFromHash);
  openFromHash();
})();
`;
