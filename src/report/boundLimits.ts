/** How much of a value `boundValue` keeps (see boundValue.ts for the limits in use). */
export interface BoundLimits {
  /** Entries kept per array, typed array, Map and Set. */
  items: number;
  /** Own enumerable keys kept per object. */
  keys: number;
  /** Characters kept per string. */
  chars: number;
  /** Characters of string content kept in the whole value. */
  totalChars: number;
  /** Nesting levels kept below the value itself. */
  depth: number;
  /** Values (nested ones included) kept in the whole value. */
  values: number;
}
