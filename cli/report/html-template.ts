/**
 * The report page: one HTML file with every script and style inlined (no network URL), the data
 * as JSON in `<script type="application/json" id="report-data">`, and empty containers that
 * `page-script.js` fills: KPI table, hull diagrams, parity and deviation plots, the candidate
 * table and the 3D viewer.
 */
import type { ReportAssets } from './report-assets.js';
import type { PageData } from './page-data.js';

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );

/** Inline script text cannot contain `</script`; JSON and minified code can, in strings. */
const inlineScript = (source: string) => source.replace(/<\/(script)/gi, '<\\/$1');

export function renderReportHtml(page: PageData, assets: ReportAssets): string {
  const title = `matdisc report: ${page.campaign_id}`;
  const json = JSON.stringify(page).replace(/</g, '\\u003c');
  const libraries = assets.libraries
    .map((lib) => `<script>/* ${lib.name} (${lib.license}) */\n${inlineScript(lib.source)}\n</script>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
${assets.css}
</style>
</head>
<body>
<header>
  <h1>Campaign <code>${escapeHtml(page.campaign_id)}</code></h1>
  <p class="meta">${escapeHtml(page.name)} · status <b>${escapeHtml(page.status)}</b> · report generated ${escapeHtml(page.generated_at)} by <code>matdisc report</code></p>
  <div id="summary" class="cards"></div>
</header>
<main>
  <section id="kpis">
    <h2>Rounds</h2>
    <p class="help">Hit rate: DFT-confirmed stable / DFT calculations of the round. MLIP error: mean |MLIP − DFT| on the round's new labels before retraining, of the formation energy (E<sub>f</sub>) where DFT references exist, else of the energy (E). Hover a row for the round's notes.</p>
    <div class="table-wrap"><table id="round-table"></table></div>
    <div id="kpi-plot" class="plot small"></div>
  </section>
  <section id="hull">
    <h2>Convex hull</h2>
    <p class="help">Formation energy per atom over composition, one hull per level of theory (each MLIP version, each DFT setting): energies compare only within a level. Click a candidate to show it below.</p>
    <div id="hull-plots"></div>
  </section>
  <section id="accuracy" class="two">
    <div>
      <h2>MLIP versus DFT</h2>
      <p class="help" id="parity-help"></p>
      <div id="parity-plot" class="plot"></div>
    </div>
    <div>
      <h2>Predicted deviation versus true error</h2>
      <p class="help">Committee standard deviation against |E<sub>MLIP</sub> − E<sub>DFT</sub>|: a trustworthy uncertainty puts points near or below the diagonal.</p>
      <div id="deviation-plot" class="plot"></div>
    </div>
  </section>
  <section id="candidates">
    <h2>Candidates</h2>
    <p class="help">Relaxed candidates from <code>candidate_review</code>. Click a column header to sort, a row to view its structure; CIF files are in <code>cifs/</code>.</p>
    <div class="two wide-left">
      <div class="table-wrap"><table id="candidate-table"></table></div>
      <div>
        <div id="viewer-caption" class="caption">Click a row to view its structure.</div>
        <div id="viewer"></div>
      </div>
    </div>
  </section>
</main>
<script type="application/json" id="report-data">${json}</script>
${libraries}
<script>
${inlineScript(assets.pageScript)}
</script>
</body>
</html>
`;
}
