/**
 * Upper bounds of a campaign configuration, shared by the schema (`campaign-config.ts`)
 * and the workflow's `setBudget` validator: a typo like `rounds: 1e9` or a budget of 1e300 is
 * refused with the limit instead of looping or overflowing.
 */
export const CampaignLimits = {
  rounds: 1000,
  candidatesPerRound: 10_000,
  /** DFT calculations, per round and in total. */
  dftBudget: 100_000,
  dftMaxConcurrent: 1000,
  /** Size of a configuration file, bytes (checked before it is parsed). */
  configBytes: 1024 * 1024,
  /** Length of a campaign name or id, characters. */
  nameLength: 200,
} as const;

/** Default of `stop.noDftRounds`. */
export const DEFAULT_NO_DFT_ROUNDS = 3;
