/**
 * CIF 1.1 syntax: data blocks of tag-value pairs and loops. Handles comments, 'single' and
 * "double" quoted values (a quote closes only before whitespace, so "O'Brien" style values work),
 * semicolon text fields, and case-insensitive tags. Knows nothing about crystallography; see
 * `cif.ts` for that.
 */
import { StructureParseError, type ReadOptions } from './structure-parse-error.js';

/** One value with the line it starts on; `quoted` values are never reserved words or tags. */
export interface CifValue {
  readonly text: string;
  readonly line: number;
  readonly quoted: boolean;
}

/** A `loop_`: column tags (lower-cased) and rows of values. */
export interface CifLoop {
  readonly tags: readonly string[];
  readonly rows: readonly (readonly CifValue[])[];
  readonly line: number;
}

/** A `data_` block. Tags are lower-cased; a tag lives either in `items` or in one loop. */
export interface CifBlock {
  readonly name: string;
  readonly line: number;
  readonly items: ReadonlyMap<string, CifValue>;
  readonly loops: readonly CifLoop[];
}

interface Token extends CifValue {
  readonly kind: 'data' | 'loop' | 'tag' | 'value' | 'other';
}

/** Splits CIF text into tokens. Throws StructureParseError on an unterminated quote or text field. */
function tokenize(text: string, source: string | undefined): Token[] {
  const lines = text.split(/\r\n|\r|\n/);
  const tokens: Token[] = [];
  const fail = (line: number, msg: string): never => {
    throw new StructureParseError('cif', msg, { source, line });
  };
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln]!;
    if (line.startsWith(';')) {
      const start = ln;
      const parts = [line.slice(1)];
      for (ln++; ln < lines.length && !lines[ln]!.startsWith(';'); ln++) parts.push(lines[ln]!);
      if (ln >= lines.length) fail(start + 1, 'text field opened with ";" is never closed');
      // The closing ';' line may carry more tokens after the semicolon; CIF files rarely do this.
      tokens.push({
        kind: 'value',
        text: parts.join('\n').replace(/^\n/, ''),
        line: start + 1,
        quoted: true,
      });
      continue;
    }
    let i = 0;
    while (i < line.length) {
      const ch = line[i]!;
      if (ch === ' ' || ch === '\t') {
        i++;
        continue;
      }
      if (ch === '#') break;
      if (ch === "'" || ch === '"') {
        let j = i + 1;
        while (j < line.length && !(line[j] === ch && (j + 1 === line.length || /\s/.test(line[j + 1]!))))
          j++;
        if (j >= line.length) fail(ln + 1, `unterminated ${ch} quote`);
        tokens.push({ kind: 'value', text: line.slice(i + 1, j), line: ln + 1, quoted: true });
        i = j + 1;
        continue;
      }
      let j = i;
      while (j < line.length && line[j] !== ' ' && line[j] !== '\t') j++;
      const word = line.slice(i, j);
      const lower = word.toLowerCase();
      const kind = lower.startsWith('data_')
        ? 'data'
        : lower === 'loop_'
          ? 'loop'
          : word.startsWith('_')
            ? 'tag'
            : /^(save_|global_|stop_)/.test(lower)
              ? 'other'
              : 'value';
      tokens.push({ kind, text: word, line: ln + 1, quoted: false });
      i = j;
    }
  }
  return tokens;
}

/** Parses every data block of a CIF. Throws StructureParseError naming the line. */
export function parseCifBlocks(text: string, options: ReadOptions = {}): CifBlock[] {
  const { source } = options;
  const tokens = tokenize(text, source);
  const blocks: CifBlock[] = [];
  let items = new Map<string, CifValue>();
  let loops: CifLoop[] = [];
  const fail = (line: number, msg: string, field?: string): never => {
    throw new StructureParseError('cif', msg, { source, line, field });
  };
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t.kind === 'data') {
      items = new Map();
      loops = [];
      blocks.push({ name: t.text.slice(5), line: t.line, items, loops });
      i++;
      continue;
    }
    if (blocks.length === 0) fail(t.line, `expected "data_<name>" before ${JSON.stringify(t.text)}`);
    if (t.kind === 'tag') {
      const v = tokens[i + 1];
      if (!v || v.kind !== 'value') fail(t.line, `tag ${t.text} has no value`, t.text);
      items.set(t.text.toLowerCase(), v!);
      i += 2;
      continue;
    }
    if (t.kind === 'loop') {
      const tags: string[] = [];
      for (i++; tokens[i]?.kind === 'tag'; i++) tags.push(tokens[i]!.text.toLowerCase());
      if (tags.length === 0) fail(t.line, 'loop_ has no tags');
      const values: CifValue[] = [];
      for (; tokens[i]?.kind === 'value'; i++) values.push(tokens[i]!);
      if (values.length % tags.length !== 0) {
        const last = values[values.length - 1]?.line ?? t.line;
        fail(
          last,
          `loop_ with ${tags.length} tags has ${values.length} values, not a multiple of ${tags.length}`,
          tags[0],
        );
      }
      const rows: CifValue[][] = [];
      for (let r = 0; r < values.length; r += tags.length) rows.push(values.slice(r, r + tags.length));
      loops.push({ tags, rows, line: t.line });
      continue;
    }
    fail(
      t.line,
      `unexpected ${JSON.stringify(t.text)} (${t.kind === 'other' ? 'save frames are not supported' : 'a value without a tag'})`,
    );
  }
  if (blocks.length === 0) fail(1, 'no "data_" block found');
  return blocks;
}

/** Finds the loop that has `tag` (lower-case) as a column, with its column index. */
export function findLoopColumn(block: CifBlock, tag: string): { loop: CifLoop; column: number } | undefined {
  for (const loop of block.loops) {
    const column = loop.tags.indexOf(tag);
    if (column >= 0) return { loop, column };
  }
  return undefined;
}

/** True for CIF's "unknown" (?) and "not applicable" (.) placeholders. */
export function isMissing(v: CifValue | undefined): boolean {
  return v === undefined || (!v.quoted && (v.text === '?' || v.text === '.'));
}

/** A CIF number, standard uncertainty dropped: '5.431(2)' -> 5.431, '-0.25' -> -0.25. NaN otherwise. */
export function cifNumber(v: CifValue | undefined): number {
  if (v === undefined || isMissing(v)) return Number.NaN;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?:\(\d+\))?$/.exec(v.text.trim());
  return m ? Number(m[1]) : Number.NaN;
}
