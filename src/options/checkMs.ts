/** The argument checks every public function shares. No imports: `unflake/clock` uses them too. */

export function argumentError(where: string, message: string): TypeError {
  return new TypeError(`${where}: ${message}`);
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' || value == null)
    return String(value);
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `an object of type ${Object.prototype.toString.call(value).slice(8, -1)}`;
}

/** A finite number of milliseconds, >= 0 (or > 0 with `allowZero: false`), or a TypeError naming the argument. */
export function checkMs(where: string, name: string, value: unknown, { allowZero = true } = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw argumentError(
      where,
      `\`${name}\` must be a finite number of milliseconds ${allowZero ? '>= 0' : '> 0'}, got ${describeValue(value)}.`,
    );
  }
  return value;
}
