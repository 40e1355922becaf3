/**
 * The sampler's random numbers: xoshiro128** (Blackman and Vigna, "Scrambled linear pseudorandom
 * number generators", ACM TOMS 47, 36 (2021), doi:10.1145/3460772) seeded through splitmix32,
 * with Box-Muller normals.
 *
 * Every generated structure draws from its own stream, keyed by (seed, stream index), so a
 * sample's noise does not depend on which other samples share its batch or in which order
 * batches run. Everything here is integer arithmetic plus V8's `Math.log/cos/sin/sqrt` (fdlibm
 * ports), so the same seed gives bit-identical numbers on every run and every machine.
 *
 * ```ts
 * const rng = new Prng(42, 0);
 * rng.uniform(); // 0.7270…, in [0, 1)
 * rng.normal();  // standard normal
 * ```
 */

/** 2⁻⁵³: turns a 53-bit integer into a double in [0, 1). */
const TWO_POW_MINUS_53 = 1 / 9007199254740992;
const TWO_PI = 2 * Math.PI;

/** splitmix32 step: a well-mixed 32-bit output from a counter (used only for seeding). */
function splitmix32(state: { x: number }): number {
  state.x = (state.x + 0x9e3779b9) | 0;
  let z = state.x;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** A seeded xoshiro128** stream with uniform and normal draws. */
export class Prng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;
  /** The second Box-Muller value of the last pair, or NaN when none is waiting. */
  #spare = Number.NaN;

  /**
   * @param seed any safe integer (negative allowed); the low and high 32 bits are both used.
   * @param stream independent stream index, e.g. the sample's index in a request.
   */
  constructor(seed: number, stream = 0) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    if (!Number.isSafeInteger(stream) || stream < 0) {
      throw new RangeError(`stream must be a non-negative safe integer, got ${stream}`);
    }
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    const st = { x: lo ^ Math.imul(hi, 0x85ebca6b) };
    // Fold in the stream index through a separate mix so (seed, stream) pairs do not collide.
    const mix = { x: (stream >>> 0) ^ Math.imul(Math.floor(stream / 4294967296) >>> 0, 0xc2b2ae35) };
    const k = splitmix32(mix);
    st.x ^= k;
    this.#s0 = splitmix32(st);
    this.#s1 = splitmix32(st);
    this.#s2 = splitmix32(st);
    this.#s3 = splitmix32(st);
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1; // the all-zero state is a fixed point
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const s1 = this.#s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = (this.#s3 << 11) | (this.#s3 >>> 21);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5; // 27 bits
    const b = this.nextUint32() >>> 6; // 26 bits
    return (a * 67108864 + b) * TWO_POW_MINUS_53;
  }

  /** Standard normal (Box-Muller; the pair's second value is kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.#spare)) {
      const z = this.#spare;
      this.#spare = Number.NaN;
      return z;
    }
    const u1 = 1 - this.uniform(); // (0, 1]: log stays finite
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.#spare = r * Math.sin(TWO_PI * u2);
    return r * Math.cos(TWO_PI * u2);
  }

  /** Fills `out` (or a new array of length n) with standard normals. */
  normals(n: number, out: Float64Array = new Float64Array(n)): Float64Array {
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }

  /** Index drawn from unnormalised non-negative weights (at least one positive). */
  categorical(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i]!;
    if (!(total > 0)) throw new RangeError('categorical: weights must have a positive sum');
    let u = this.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i]!;
      if (u < 0) return i;
    }
    // Rounding left u at or just above 0: the last positive weight.
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
    return weights.length - 1;
  }
}
