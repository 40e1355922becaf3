/*
 * The report page's script (runs in the browser, inlined by html-template.ts after plotly.js and
 * 3Dmol). Reads the JSON in #report-data (page-data.ts) and draws: summary cards, the per-round
 * KPI table and chart, hull diagrams, the MLIP-vs-DFT parity plot, predicted deviation versus
 * true error, the sortable candidate table and the 3D viewer. Sets body[data-ready] when done.
 */
/* global document, window, Plotly, $3Dmol */
(function () {
  'use strict';
  const page = JSON.parse(document.getElementById('report-data').textContent);
  const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];
  const PLOT_CONFIG = { displaylogo: false, responsive: true };
  const BASE_LAYOUT = {
    margin: { l: 60, r: 20, t: 30, b: 50 },
    font: { family: 'system-ui, sans-serif', size: 12 },
    legend: { orientation: 'h', y: -0.2 },
    hovermode: 'closest',
  };
  const pending = [];

  const el = (tag, attrs, text) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  };
  const fmt = (digits) => (v) => (v === null || v === undefined ? '' : Number(v).toFixed(digits));
  const pct = (v) => (v === null || v === undefined ? 'n/a' : `${(100 * Number(v)).toFixed(0)} %`);
  const label = (key) => key.replace(/_/g, ' ');
  const plot = (div, traces, layout) =>
    pending.push(Plotly.newPlot(div, traces, Object.assign({}, BASE_LAYOUT, layout), PLOT_CONFIG));
  const note = (div, text) => div.appendChild(el('p', { class: 'note' }, text));

  // Summary cards: every column of campaign_summary but the identifying ones.
  const summary = document.getElementById('summary');
  for (const [key, value] of Object.entries(page.summary)) {
    if (['campaign_id', 'name', 'status', 'created_at', 'updated_at'].includes(key)) continue;
    const card = el('div', { class: 'card' });
    card.appendChild(el('div', { class: 'value' }, value === null ? '–' : value));
    card.appendChild(el('div', { class: 'label' }, label(key)));
    summary.appendChild(card);
  }

  // Per-round KPIs. Rounds read from 1, as everywhere people read them (cli/round-lines.ts); the
  // data keeps the stored round_index, from 0.
  function roundNumber(index) {
    return typeof index === 'number' ? index + 1 : index;
  }
  const ROUND_COLUMNS = [
    ['round', (r) => roundNumber(r.round_index)],
    ['MLIP model', (r) => r.mlip_model ?? ''],
    ['generated', (r) => r.summary.generated],
    ['unique', (r) => r.summary.unique],
    ['predicted stable', (r) => r.summary.predictedStable],
    ['DFT calls', (r) => r.summary.dftRun],
    ['converged', (r) => r.summary.dftConverged],
    ['failed', (r) => r.summary.dftFailed],
    ['stable found', stableFound],
    ['hit rate', (r) => pct(r.summary.hitRate)],
    ['MLIP error', mlipError],
    ['MLIP force MAE (eV/Å)', (r) => fmt(3)(r.summary.mlipForceMaeEvPerA) || 'n/a'],
    ['stage', (r) => r.stage],
  ];
  function stableFound(r) {
    const s = r.summary;
    if (s.dftConfirmedStable !== null && s.dftConfirmedStable !== undefined) return s.dftConfirmedStable;
    return s.dftStabilityAssessed
      ? `${s.dftConfirmedStableAmongAssessed} of ${s.dftStabilityAssessed} assessed`
      : 'n/a';
  }
  // Formation-energy MAE (meV/atom, issue #7's summary) where stored, else the older energy MAE.
  function mlipError(r) {
    const s = r.summary;
    if (typeof s.mlipFormationEnergyMaeMevPerAtom === 'number')
      return `${s.mlipFormationEnergyMaeMevPerAtom.toFixed(1)} meV/atom (E_f)`;
    if (typeof s.mlipMaeEvPerAtom === 'number') return `${s.mlipMaeEvPerAtom.toFixed(4)} eV/atom (E)`;
    return 'n/a';
  }
  const roundTable = document.getElementById('round-table');
  const head = roundTable.createTHead().insertRow();
  for (const [name] of ROUND_COLUMNS) head.appendChild(el('th', {}, name));
  const roundBody = roundTable.createTBody();
  for (const r of page.rounds) {
    const row = roundBody.insertRow();
    const notes = [r.summary.dftStabilityNote, r.summary.mlipErrorNote].filter((n) => typeof n === 'string');
    if (notes.length) row.title = notes.join('\n');
    for (const [, get] of ROUND_COLUMNS) row.appendChild(el('td', {}, get(r) ?? ''));
  }
  const kpiDiv = document.getElementById('kpi-plot');
  if (page.rounds.length === 0) note(kpiDiv, 'No rounds yet.');
  else {
    const x = page.rounds.map((r) => `round ${roundNumber(r.round_index)}`);
    const formationMae = page.rounds.some(
      (r) => typeof r.summary.mlipFormationEnergyMaeMevPerAtom === 'number',
    );
    const maeName = formationMae ? 'MLIP E_f MAE (meV/atom)' : 'MLIP E MAE (eV/atom)';
    const mae = (r) =>
      (formationMae ? r.summary.mlipFormationEnergyMaeMevPerAtom : r.summary.mlipMaeEvPerAtom) ?? null;
    plot(
      kpiDiv,
      [
        { type: 'bar', name: 'DFT calls', x, y: page.rounds.map((r) => r.summary.dftRun ?? 0) },
        {
          type: 'bar',
          name: 'stable found',
          x,
          y: page.rounds.map((r) => r.summary.dftConfirmedStable ?? 0),
        },
        {
          type: 'scatter',
          mode: 'lines+markers',
          name: maeName,
          x,
          y: page.rounds.map(mae),
          yaxis: 'y2',
        },
      ],
      {
        barmode: 'group',
        yaxis: { title: { text: 'count' }, rangemode: 'tozero' },
        yaxis2: {
          title: { text: formationMae ? 'meV/atom' : 'eV/atom' },
          overlaying: 'y',
          side: 'right',
          rangemode: 'tozero',
        },
        margin: { l: 60, r: 60, t: 10, b: 40 },
        legend: { orientation: 'h', y: 1.15 },
      },
    );
  }

  // Candidate table, its sorting and the viewer.
  const candidates = page.candidates;
  const byId = new Map(candidates.map((c) => [c.structure_id, c]));
  const COLUMNS = [
    { key: 'structure_id', label: 'id', num: true },
    { key: 'round_index', label: 'round', num: true, f: roundNumber },
    { key: 'reduced_formula', label: 'formula' },
    { key: 'n_sites', label: 'sites', num: true },
    { key: 'duplicate_of_id', label: 'duplicate of', num: true },
    { key: 'mlip_energy_per_atom_ev', label: 'MLIP E (eV/atom)', num: true, f: fmt(4) },
    { key: 'mlip_energy_std_ev_per_atom', label: 'MLIP σ (eV/atom)', num: true, f: fmt(4) },
    { key: 'mlip_formation_energy_per_atom_ev', label: 'MLIP E_f (eV/atom)', num: true, f: fmt(3) },
    { key: 'mlip_e_above_hull_ev_per_atom', label: 'MLIP E_hull (eV/atom)', num: true, f: fmt(3) },
    { key: 'mlip_max_force_dev_ev_per_a', label: 'force dev (eV/Å)', num: true, f: fmt(3) },
    { key: 'dft_status', label: 'DFT' },
    { key: 'dft_energy_per_atom_ev', label: 'DFT E (eV/atom)', num: true, f: fmt(4) },
    { key: 'dft_formation_energy_per_atom_ev', label: 'DFT E_f (eV/atom)', num: true, f: fmt(3) },
    { key: 'dft_e_above_hull_ev_per_atom', label: 'DFT E_hull (eV/atom)', num: true, f: fmt(3) },
    { key: 'dft_failure_reason', label: 'DFT failure' },
    { key: 'lab_status', label: 'lab' },
  ];
  // Columns later migrations add to candidate_review, in the view's order; hidden when empty throughout.
  const extraKeys = [...new Set(candidates.flatMap((c) => Object.keys(c.extra)))].filter((k) =>
    candidates.some((c) => c.extra[k] !== null && c.extra[k] !== '[]'),
  );
  for (const key of extraKeys)
    COLUMNS.push({
      key,
      label: label(key),
      extra: true,
      num: candidates.every((c) => c.extra[key] === null || typeof c.extra[key] === 'number'),
      f: (v) => (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : v),
    });
  const value = (c, col) => (col.extra ? c.extra[col.key] : c[col.key]);
  const table = document.getElementById('candidate-table');
  const headRow = table.createTHead().insertRow();
  for (const col of COLUMNS) {
    const th = el('th', { 'data-key': col.key, 'aria-sort': 'none', tabindex: '0' }, col.label);
    th.addEventListener('click', () => sortBy(col, th));
    th.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') sortBy(col, th);
    });
    headRow.appendChild(th);
  }
  headRow.appendChild(el('th', {}, 'CIF'));
  const body = table.createTBody();
  const rows = new Map();
  for (const c of candidates) {
    const tr = body.insertRow();
    tr.dataset.id = c.structure_id;
    if (c.duplicate_of_id !== null) tr.classList.add('duplicate');
    for (const col of COLUMNS) {
      const v = value(c, col);
      const td = el('td', col.num ? { class: 'num' } : {}, v === null ? '' : col.f ? col.f(v) : v);
      td.dataset.key = col.key;
      tr.appendChild(td);
    }
    const link = el('a', { href: c.cif_file, download: '' }, 'CIF');
    link.addEventListener('click', (e) => e.stopPropagation());
    tr.appendChild(el('td')).appendChild(link);
    tr.addEventListener('click', () => select(c.structure_id));
    rows.set(c.structure_id, tr);
  }
  if (candidates.length === 0) note(document.getElementById('candidates'), 'No candidates yet.');

  function sortBy(col, th) {
    const ascending = th.getAttribute('aria-sort') !== 'ascending';
    for (const other of headRow.querySelectorAll('th')) other.setAttribute('aria-sort', 'none');
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    const key = (c) => {
      const v = value(c, col);
      return v === null || v === undefined || v === '' ? null : col.num ? Number(v) : String(v);
    };
    const sorted = [...candidates].sort((a, b) => {
      const x = key(a);
      const y = key(b);
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1; // empty cells last
      const d = col.num ? x - y : x.localeCompare(y);
      return ascending ? d : -d;
    });
    for (const c of sorted) body.appendChild(rows.get(c.structure_id));
  }

  const SUPERCELL_MAX_SITES = 16;
  let viewer = null;
  function select(id) {
    const c = byId.get(id);
    if (!c) return;
    for (const tr of rows.values()) tr.classList.toggle('selected', tr.dataset.id === id);
    rows.get(id).scrollIntoView({ block: 'nearest' });
    document.getElementById('viewer-caption').textContent =
      `${c.reduced_formula} (structure ${c.structure_id}, ${c.n_sites} sites, round ${c.round_index === null || c.round_index === undefined ? '?' : roundNumber(c.round_index)})` +
      (c.dft_status ? ` · DFT ${c.dft_status}` : '') +
      (c.n_sites <= SUPERCELL_MAX_SITES ? ' · shown as 2×2×2 cells' : '');
    const container = document.getElementById('viewer');
    if (!viewer) viewer = $3Dmol.createViewer(container, { backgroundColor: 'white' });
    viewer.clear();
    const model = viewer.addModel(c.cif, 'cif');
    viewer.setStyle({}, { sphere: { scale: 0.35, colorscheme: 'Jmol' }, stick: { radius: 0.12 } });
    viewer.addUnitCell(model, { box: { color: '#555' } });
    // Small cells read better as a 2×2×2 block of cells (the box still marks one).
    if (c.n_sites <= SUPERCELL_MAX_SITES) viewer.replicateUnitCell(2, 2, 2, model, true);
    viewer.zoomTo();
    viewer.render();
  }

  // Hull diagrams.
  const hullDiv = document.getElementById('hull-plots');
  if (page.hull.length === 0) note(hullDiv, 'No chemical system to draw.');
  for (const d of page.hull) {
    const box = hullDiv.appendChild(el('div', { class: 'hull-box' }));
    box.appendChild(el('h3', {}, d.system));
    if (d.kind === 'none' || d.series.length === 0) {
      note(box, d.note);
      continue;
    }
    const div = box.appendChild(el('div', { class: 'plot', 'data-kind': d.kind }));
    const hover = (p) =>
      `${p.formula} (${p.id})<br>E_f ${p.formation_energy_per_atom_ev.toFixed(3)} eV/atom` +
      `<br>E_hull ${p.e_above_hull_ev_per_atom.toFixed(3)} eV/atom`;
    const traces = [];
    d.series.forEach((s, i) => {
      const color = COLORS[i % COLORS.length];
      if (d.kind === 'binary') {
        traces.push({
          type: 'scatter',
          mode: 'lines',
          name: `hull: ${s.name}`,
          x: s.hull.map((p) => p.fractions[1]),
          y: s.hull.map((p) => p.formation_energy_per_atom_ev),
          line: { color, width: 2 },
          hoverinfo: 'skip',
        });
        traces.push({
          type: 'scatter',
          mode: 'markers',
          name: s.name,
          x: s.points.map((p) => p.fractions[1]),
          y: s.points.map((p) => p.formation_energy_per_atom_ev),
          text: s.points.map(hover),
          customdata: s.points.map((p) => p.structure_id),
          hovertemplate: '%{text}<extra></extra>',
          marker: { color, size: 9, opacity: 0.8, line: { width: 1, color: '#fff' } },
        });
      } else {
        // One trace per tie line: plotly's ternary does not break lines at null gaps.
        s.tie_lines.forEach(([p, q], k) =>
          traces.push({
            type: 'scatterternary',
            mode: 'lines',
            name: `tie lines: ${s.name}`,
            legendgroup: s.name,
            showlegend: k === 0,
            a: [p.fractions[0], q.fractions[0]],
            b: [p.fractions[1], q.fractions[1]],
            c: [p.fractions[2], q.fractions[2]],
            line: { color, width: 1.5 },
            hoverinfo: 'skip',
          }),
        );
        traces.push({
          type: 'scatterternary',
          mode: 'markers',
          name: s.name,
          legendgroup: s.name,
          a: s.points.map((p) => p.fractions[0]),
          b: s.points.map((p) => p.fractions[1]),
          c: s.points.map((p) => p.fractions[2]),
          text: s.points.map(hover),
          customdata: s.points.map((p) => p.structure_id),
          hovertemplate: '%{text}<extra></extra>',
          marker: {
            color,
            size: s.points.map((p) => (p.e_above_hull_ev_per_atom <= 1e-9 ? 12 : 7)),
            symbol: s.points.map((p) => (p.e_above_hull_ev_per_atom <= 1e-9 ? 'diamond' : 'circle')),
            line: { width: 1, color: '#fff' },
          },
        });
      }
    });
    const [A, B, C] = d.elements;
    const layout =
      d.kind === 'binary'
        ? {
            xaxis: { title: { text: `x in ${A}₁₋ₓ${B}ₓ` }, range: [-0.02, 1.02] },
            yaxis: { title: { text: 'formation energy (eV/atom)' } },
          }
        : {
            ternary: {
              sum: 1,
              aaxis: { title: { text: A }, min: 0 },
              baxis: { title: { text: B }, min: 0 },
              caxis: { title: { text: C }, min: 0 },
            },
          };
    plot(div, traces, layout);
    pending[pending.length - 1].then(() =>
      div.on('plotly_click', (ev) => {
        const id = ev.points[0] && ev.points[0].customdata;
        if (id) select(id);
      }),
    );
  }

  // MLIP versus DFT, and predicted deviation versus true error. Formation energies where both
  // are stored (issue #7: the MLIP's E_f on the DFT geometry against its own references), else
  // energies per atom, which only compare when the MLIP was trained on the same code's energies.
  const MLIP_EF = 'mlip_formation_energy_on_dft_geometry_ev_per_atom';
  const formationPairs = candidates
    .filter((c) => typeof c.extra[MLIP_EF] === 'number' && c.dft_formation_energy_per_atom_ev !== null)
    .map((c) => ({ c, mlip: c.extra[MLIP_EF], dft: c.dft_formation_energy_per_atom_ev }));
  const energyPairs = candidates
    .filter((c) => c.mlip_energy_per_atom_ev !== null && c.dft_energy_per_atom_ev !== null)
    .map((c) => ({ c, mlip: c.mlip_energy_per_atom_ev, dft: c.dft_energy_per_atom_ev }));
  const formation = formationPairs.length > 0;
  const pairs = formation ? formationPairs : energyPairs;
  const quantity = formation ? 'formation energy' : 'energy';
  const parityDiv = document.getElementById('parity-plot');
  const deviationDiv = document.getElementById('deviation-plot');
  document.getElementById('parity-help').textContent = formation
    ? 'Formation energy per atom on the DFT geometry, each against its own elemental references; error bars are the committee standard deviation.'
    : 'Energy per atom on the same geometry (no DFT formation energies stored); error bars are the committee standard deviation.';
  if (pairs.length === 0) {
    note(parityDiv, 'No candidate has both an MLIP prediction and a converged DFT energy yet.');
    note(deviationDiv, 'No candidate has both an MLIP prediction and a converged DFT energy yet.');
  } else {
    const both = pairs.map((p) => p.c);
    const offset = pairs.reduce((t, p) => t + p.mlip - p.dft, 0) / pairs.length;
    if (!formation && Math.abs(offset) > 1)
      document
        .getElementById('accuracy')
        .before(
          el(
            'p',
            { class: 'note warning' },
            `MLIP and DFT energies differ by ${offset.toFixed(1)} eV/atom on average: they are on different ` +
              'energy zeros (a committee trained on another code or pseudopotentials), so these two plots ' +
              'show the offset, not the error. Formation energies compare like with like.',
          ),
        );
    const text = both.map(
      (c) => `${c.reduced_formula} (${c.structure_id}), round ${roundNumber(c.round_index)}`,
    );
    const ids = both.map((c) => c.structure_id);
    const xs = pairs.map((p) => p.dft);
    const ys = pairs.map((p) => p.mlip);
    const sd = both.map((c) => c.mlip_energy_std_ev_per_atom ?? 0);
    const lo = Math.min(...xs, ...ys.map((y, i) => y - sd[i]));
    const hi = Math.max(...xs, ...ys.map((y, i) => y + sd[i]));
    const pad = Math.max(0.05, 0.05 * (hi - lo));
    plot(
      parityDiv,
      [
        {
          type: 'scatter',
          mode: 'lines',
          name: 'MLIP = DFT',
          x: [lo - pad, hi + pad],
          y: [lo - pad, hi + pad],
          line: { color: '#999', dash: 'dash' },
          hoverinfo: 'skip',
        },
        {
          type: 'scatter',
          mode: 'markers',
          name: 'candidates',
          x: xs,
          y: ys,
          text,
          customdata: ids,
          error_y: { type: 'data', array: sd, visible: true, color: '#1f77b4' },
          marker: { size: 9, color: '#1f77b4' },
          hovertemplate: '%{text}<br>DFT %{x:.4f}, MLIP %{y:.4f} eV/atom<extra></extra>',
        },
      ],
      {
        xaxis: { title: { text: `DFT ${quantity} (eV/atom)` }, range: [lo - pad, hi + pad] },
        yaxis: { title: { text: `MLIP ${quantity} (eV/atom)` }, range: [lo - pad, hi + pad] },
      },
    );
    const err = pairs.map((p) => Math.abs(p.mlip - p.dft));
    const top = Math.max(...err, ...sd) * 1.1 || 0.01;
    plot(
      deviationDiv,
      [
        {
          type: 'scatter',
          mode: 'lines',
          name: 'σ = |error|',
          x: [0, top],
          y: [0, top],
          line: { color: '#999', dash: 'dash' },
          hoverinfo: 'skip',
        },
        {
          type: 'scatter',
          mode: 'markers',
          name: 'candidates',
          x: sd,
          y: err,
          text,
          customdata: ids,
          marker: { size: 9, color: '#d62728' },
          hovertemplate: '%{text}<br>σ %{x:.4f}, |error| %{y:.4f} eV/atom<extra></extra>',
        },
      ],
      {
        xaxis: { title: { text: 'committee σ (eV/atom)' }, rangemode: 'tozero' },
        yaxis: { title: { text: '|MLIP − DFT| (eV/atom)' }, rangemode: 'tozero' },
      },
    );
    Promise.all(pending).then(() => {
      for (const div of [parityDiv, deviationDiv])
        div.on('plotly_click', (ev) => {
          const id = ev.points[0] && ev.points[0].customdata;
          if (id) select(id);
        });
    });
  }

  Promise.all(pending).then(
    () => {
      document.body.dataset.ready = 'true';
    },
    (err) => {
      document.body.dataset.ready = 'error';
      window.console.error(err);
    },
  );
})();
