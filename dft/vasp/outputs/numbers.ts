/**
 * Number fields as VASP writes them. Fixed-width Fortran formats run values together when a
 * negative number fills its field ("7.176543225-17.962901370" in OUTCAR's lattice block), and a
 * value too wide for its field is printed as asterisks ("*********"), which reads as NaN here.
 */

const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eEdD][-+]?\d+)?|\*{2,}/g;

/** Every number in `text`, in order; asterisk fields become NaN. */
export function numbersIn(text: string): number[] {
  const out: number[] = [];
  for (const token of text.match(NUMBER) ?? []) {
    out.push(token.startsWith('*') ? Number.NaN : Number(token.replace(/[dD]/, 'e')));
  }
  return out;
}

/** The first number in `text`, or null when there is none (or it is an asterisk field). */
export function firstNumber(text: string | undefined): number | null {
  if (text === undefined) return null;
  const [x] = numbersIn(text);
  return x === undefined || Number.isNaN(x) ? null : x;
}
