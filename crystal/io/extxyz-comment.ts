/**
 * The key=value comment line of extended XYZ, with ASE's value typing: a value whose
 * whitespace-separated parts are all integers, all numbers or all T/F becomes a number, boolean
 * or an array of them; anything else stays a string ("Snapshot 7 of 32" is one string).
 */

/** A typed comment-line value. */
export type ExtxyzValue = string | number | boolean | readonly number[] | readonly boolean[];

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eEdD][+-]?\d+)?$/;
const BOOL = /^(T|F|True|False|TRUE|FALSE|true|false)$/;

function typed(raw: string, bracketed: boolean): ExtxyzValue {
  const parts = raw
    .trim()
    .split(bracketed ? /[\s,]+/ : /\s+/)
    .filter(Boolean);
  if (parts.length > 0 && parts.every((p) => NUMBER.test(p))) {
    const xs = parts.map((p) => Number(p.replace(/[dD]/, 'e')));
    return xs.length === 1 && !bracketed ? xs[0]! : xs;
  }
  if (parts.length > 0 && parts.every((p) => BOOL.test(p))) {
    const bs = parts.map((p) => /^t/i.test(p));
    return bs.length === 1 && !bracketed ? bs[0]! : bs;
  }
  return raw;
}

/** Parses a comment line. Keys keep their case; a bare key means `true`. Throws on unbalanced quotes. */
export function parseComment(line: string): Map<string, ExtxyzValue> {
  const out = new Map<string, ExtxyzValue>();
  let i = 0;
  const n = line.length;
  const skip = () => {
    while (i < n && /\s/.test(line[i]!)) i++;
  };
  const quoted = (): string => {
    const q = line[i]!;
    let s = '';
    for (i++; i < n && line[i] !== q; i++) {
      if (line[i] === '\\' && i + 1 < n) i++;
      s += line[i];
    }
    if (i >= n) throw new SyntaxError(`unterminated ${q} quote in the comment line`);
    i++;
    return s;
  };
  for (skip(); i < n; skip()) {
    let key: string;
    if (line[i] === '"' || line[i] === "'") key = quoted();
    else {
      const start = i;
      while (i < n && !/[\s=]/.test(line[i]!)) i++;
      key = line.slice(start, i);
    }
    skip();
    if (line[i] !== '=') {
      out.set(key, true);
      continue;
    }
    i++;
    skip();
    if (i >= n) throw new SyntaxError(`key ${JSON.stringify(key)} has "=" but no value`);
    const ch = line[i]!;
    if (ch === '"' || ch === "'") out.set(key, typed(quoted(), false));
    else if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      const end = line.indexOf(close, i);
      if (end < 0) throw new SyntaxError(`key ${JSON.stringify(key)}: ${ch} is never closed`);
      out.set(key, typed(line.slice(i + 1, end), true));
      i = end + 1;
    } else {
      const start = i;
      while (i < n && !/\s/.test(line[i]!)) i++;
      out.set(key, typed(line.slice(start, i), false));
    }
  }
  return out;
}

/** Formats a value for the comment line: arrays and strings with spaces are double-quoted. */
export function formatInfoValue(v: ExtxyzValue): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v); // String(-0) is '0'
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (Array.isArray(v))
    return `"${(v as readonly (number | boolean)[]).map((x) => formatInfoValue(x)).join(' ')}"`;
  const s = v as string;
  return /^[^\s"'=\\{}[\]]+$/.test(s) ? s : `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
