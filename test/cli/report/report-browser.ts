/**
 * Opens a report page in headless Chromium (Debian's `chromium`, driven by playwright-core) and
 * records what a user would notice: console errors, uncaught page errors and failed requests.
 * WebGL (the 3D viewer) runs on SwiftShader, so no GPU is needed.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** CHROMIUM_PATH, else Debian's binary. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface OpenedReport {
  readonly browser: Browser;
  readonly page: Page;
  /** Console errors, uncaught exceptions and failed requests, as text. */
  readonly problems: string[];
  /** Every URL the page requested. */
  readonly requests: string[];
}

export async function openReport(indexHtml: string): Promise<OpenedReport> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} not found: install Debian's chromium (scripts/setup.sh --test) or set CHROMIUM_PATH`,
    );
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(indexHtml).href);
  await page.waitForSelector('body[data-ready]', { timeout: 30_000 });
  return { browser, page, problems, requests };
}
