/** Campaign configuration: every error names its field and the fix; resources are checked before a start. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CampaignConfigError,
  campaignConfigJsonSchema,
  parseCampaignText,
} from '../../contracts/campaign-config.js';
import { checkCampaignResources } from '../../campaign/campaign-resources.js';
import { MORSE, siliconCampaign } from './fixtures.js';

const minimal = `
name: t
chemistry: { systems: [Si] }
rounds: 2
candidatesPerRound: 4
generator: { model: prototypes }
mlip: { model: ${MORSE} }
dft: { profile: test, budgetPerRound: 2, budgetTotal: 4 }
`;

const issuesOf = (text: string) => {
  try {
    parseCampaignText(text);
  } catch (err) {
    expect(err).toBeInstanceOf(CampaignConfigError);
    return (err as CampaignConfigError).issues;
  }
  throw new Error('expected a CampaignConfigError');
};

describe('campaign config', () => {
  it('parses YAML and JSON with defaults', () => {
    const c = parseCampaignText(minimal);
    expect(c.acquisition).toEqual({ strategy: 'ucb', kappa: 1, minFingerprintDistance: 0 });
    expect(c.dft.engine).toBe('qe');
    expect(parseCampaignText(JSON.stringify(c))).toEqual(c);
  });

  it('names the field and the fix', () => {
    const issues = issuesOf(
      minimal.replace('rounds: 2', 'rounds: 0').replace('[Si]', '[Xx-Si]') + 'colour: red\n',
    );
    const text = issues.map((i) => `${i.field}: ${i.message}`).join('\n');
    expect(text).toMatch(/^rounds: expected a positive integer/m);
    expect(text).toMatch(/chemistry\.systems\[0\].*"Xx" is not an element symbol/);
    expect(text).toMatch(/unknown field\(s\) "colour"/);
  });

  it('rejects a bad acquisition and a per-round budget above the total', () => {
    expect(
      issuesOf(minimal.replace('rounds: 2', 'rounds: 2\nacquisition: { strategy: best }'))[0],
    ).toMatchObject({
      field: 'acquisition.strategy',
    });
    expect(issuesOf(minimal.replace('budgetTotal: 4', 'budgetTotal: 1'))[0]).toMatchObject({
      field: 'dft.budgetPerRound',
    });
    expect(issuesOf(minimal.replace('rounds: 2\n', ''))[0]).toEqual({
      field: 'rounds',
      message: 'required; add it',
    });
  });

  it('rejects unknown models and unsupported elements before anything runs', async () => {
    const bad = siliconCampaign({
      mlip: { model: 'no-such-mlip' },
      generator: { model: 'no-such-generator' },
    });
    const err = await checkCampaignResources(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CampaignConfigError);
    const fields = (err as CampaignConfigError).issues.map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['mlip.model', 'generator.model']));
    const po = siliconCampaign({ chemistry: { systems: ['Po'] } });
    const poErr = (await checkCampaignResources(po).catch((e: unknown) => e)) as CampaignConfigError;
    expect(poErr.issues).toEqual([
      expect.objectContaining({
        field: 'chemistry',
        message: expect.stringMatching(/no pseudopotential for Po/),
      }),
    ]);
    const fixtureGen = siliconCampaign({
      generator: { model: 'test/models/generator/fixtures/denoiser-tiny.onnx' },
    });
    await expect(checkCampaignResources(fixtureGen)).resolves.toMatchObject({
      mlipPath: expect.stringMatching(/morse/),
    });
  });

  it('the committed JSON Schema is up to date', () => {
    const committed = JSON.parse(readFileSync('contracts/campaign-config.schema.json', 'utf8')) as unknown;
    expect(committed).toEqual(campaignConfigJsonSchema());
  });
});
