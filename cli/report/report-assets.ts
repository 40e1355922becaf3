/**
 * The scripts and styles a report inlines, so the page works offline with no network request:
 * the plotting and 3D-viewing libraries read from their npm packages at report time (never
 * copied into the repository), our page script and our stylesheet.
 *
 * - `plotly.js-cartesian-dist-min` (MIT): the partial plotly.js bundle with `scatter` and
 *   `scatterternary`, everything the report plots, at a third of the full bundle's size
 *   (1.5 MB, not 4.8 MB).
 * - `3dmol` (BSD-3-Clause): WebGL viewer that reads CIF and draws the unit cell.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface InlineScript {
  /** Package name and version, or 'matdisc'. */
  readonly name: string;
  readonly license: string;
  readonly source: string;
}

export interface ReportAssets {
  /** Library scripts, in load order; then the page script. */
  readonly libraries: readonly InlineScript[];
  readonly pageScript: string;
  readonly css: string;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const LIBRARIES = [
  { pkg: 'plotly.js-cartesian-dist-min', file: 'plotly-cartesian.min.js' },
  { pkg: '3dmol', file: 'build/3Dmol-min.js' },
] as const;

let cached: ReportAssets | undefined;

export function loadReportAssets(): ReportAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const libraries = LIBRARIES.map(({ pkg, file }) => {
    const manifest = require.resolve(`${pkg}/package.json`);
    const meta = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string; license: string };
    return {
      name: `${pkg}@${meta.version}`,
      license: meta.license,
      source: readFileSync(join(dirname(manifest), file), 'utf8'),
    };
  });
  cached = {
    libraries,
    pageScript: readFileSync(join(HERE, 'page-script.js'), 'utf8'),
    css: readFileSync(join(HERE, 'report.css'), 'utf8'),
  };
  return cached;
}
