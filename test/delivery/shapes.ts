/**
 * Generated state shapes and handlers for the delivery matchers' mutation properties
 * (test/matchers/deliveryMutation.test.ts): a value of some shape (a number, a Map, a Set, a Date, a typed array, a
 * class instance, an object with methods, a Map of arrays, a cyclic graph), nested in objects, arrays
 * and Maps beside decoy data, returned by `state()` live or inside a fresh wrapper with methods.
 */
import fc from 'fast-check';

/** The operations a handler performs on one cell of the state. `fresh` differs at every call. */
export interface Shape {
  name: string;
  make(): unknown;
  /** Accumulates: each call changes the state again (not idempotent). Returns the root (a number is replaced). */
  add(value: unknown, amount: number, fresh: number): unknown;
  /** Overwrites with `n`: the same call twice leaves the same state. */
  assign(value: unknown, n: number): unknown;
  read(value: unknown): number;
  /** False when the order of `add`s shows in the state (a pushed array): a deduped `add` still depends on order. */
  ordered?: boolean;
}

class Account {
  balance = 0;
  history: number[] = [];
  describe(): string {
    return `balance ${this.balance}`;
  }
}

interface Node {
  value: number;
  self?: Node;
  children: { parent: Node; tag: string }[];
}

const typed = (name: string, make: () => Float64Array | Int32Array | Uint8Array): Shape => ({
  name,
  make,
  add: (v, amount) => (((v as Int32Array)[1]! += amount), v),
  assign: (v, n) => (((v as Int32Array)[1] = n), v),
  read: (v) => (v as Int32Array)[1]!,
});

export const shapes: Shape[] = [
  {
    name: 'number',
    make: () => 0,
    add: (v, amount) => (v as number) + amount,
    assign: (_, n) => n,
    read: (v) => v as number,
  },
  {
    name: 'Map',
    make: () => new Map<string, number>([['other', 7]]),
    add: (v, amount) => (v as Map<string, number>).set('cell', ((v as Map<string, number>).get('cell') ?? 0) + amount),
    assign: (v, n) => (v as Map<string, number>).set('cell', n),
    read: (v) => (v as Map<string, number>).get('cell') ?? 0,
  },
  {
    name: 'Set',
    make: () => new Set<string>(['other']),
    // A new member at every call; `assign` keeps exactly one numbered member.
    add: (v, _, fresh) => (v as Set<string>).add(`m${fresh}`),
    assign: (v, n) => {
      const set = v as Set<string>;
      for (const member of [...set]) if (member.startsWith('n')) set.delete(member);
      return set.add(`n${n}`);
    },
    read: (v) => Number([...(v as Set<string>)].find((m) => m.startsWith('n'))?.slice(1) ?? 0),
  },
  {
    name: 'Date',
    make: () => new Date(0),
    add: (v, amount) => ((v as Date).setTime((v as Date).getTime() + amount), v),
    assign: (v, n) => ((v as Date).setTime(n), v),
    read: (v) => (v as Date).getTime(),
  },
  typed('Float64Array', () => new Float64Array(3)),
  typed('Int32Array', () => new Int32Array(3)),
  typed('Uint8Array', () => new Uint8Array(3)),
  {
    name: 'class instance',
    make: () => new Account(),
    add: (v, amount) => (((v as Account).balance += amount), v),
    assign: (v, n) => (((v as Account).balance = n), v),
    read: (v) => (v as Account).balance,
  },
  {
    name: 'object with methods',
    make: () => {
      const o = { total: 0, describe: () => `total ${o.total}`, bump() {} };
      return o;
    },
    add: (v, amount) => (((v as { total: number }).total += amount), v),
    assign: (v, n) => (((v as { total: number }).total = n), v),
    read: (v) => (v as { total: number }).total,
  },
  {
    name: 'Map of arrays',
    make: () => new Map<string, number[]>([['other', [1, 2]]]),
    add: (v, amount) =>
      (v as Map<string, number[]>).set('cell', [...((v as Map<string, number[]>).get('cell') ?? []), amount]),
    assign: (v, n) => (v as Map<string, number[]>).set('cell', [n]),
    read: (v) => ((v as Map<string, number[]>).get('cell') ?? []).reduce((a, b) => a * 31 + b, 0),
    ordered: true,
  },
  {
    name: 'cycle',
    make: () => {
      const node: Node = { value: 0, children: [] };
      node.self = node;
      node.children.push({ parent: node, tag: 'a' });
      return node;
    },
    add: (v, amount) => (((v as Node).value += amount), v),
    assign: (v, n) => (((v as Node).value = n), v),
    read: (v) => (v as Node).value,
  },
];

/** One step from a container down to the cell's value, beside decoy data that never changes. */
export type Step = { in: 'object'; key: string } | { in: 'array'; index: number } | { in: 'Map'; key: string };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ in: fc.constant('object' as const), key: fc.constantFrom('account', 'ledger', 'x', 'tenant-a') }),
  fc.record({ in: fc.constant('array' as const), index: fc.nat({ max: 2 }) }),
  fc.record({ in: fc.constant('Map' as const), key: fc.constantFrom('a', 'b') }),
);

function wrap(inner: unknown, steps: readonly Step[]): unknown {
  let value = inner;
  for (const step of [...steps].reverse()) {
    if (step.in === 'object') value = { [step.key]: value, decoy: { n: 1 } };
    else if (step.in === 'array')
      value = Object.assign(
        Array.from({ length: step.index + 2 }, (_, i) => `decoy${i}`),
        { [step.index]: value },
      );
    else
      value = new Map<string, unknown>([
        ['decoy', [1]],
        [step.key, value],
      ]);
  }
  return value;
}

function child(container: unknown, step: Step): unknown {
  if (step.in === 'object') return (container as Record<string, unknown>)[step.key];
  if (step.in === 'array') return (container as unknown[])[step.index];
  return (container as Map<string, unknown>).get(step.key);
}

function setChild(container: unknown, step: Step, value: unknown): void {
  if (step.in === 'object') (container as Record<string, unknown>)[step.key] = value;
  else if (step.in === 'array') (container as unknown[])[step.index] = value;
  else (container as Map<string, unknown>).set(step.key, value);
}

/** How `state()` hands the state out: the live root, or a fresh wrapper with closures or a class around it. */
export type StateStyle = 'live' | 'wrapper with a closure' | 'class wrapper';

class View {
  data: unknown;
  constructor(data: unknown) {
    this.data = data;
  }
  summary(): string {
    return 'view';
  }
}

export interface Case {
  shape: Shape;
  steps: Step[];
  style: StateStyle;
}

export const caseArbitrary: fc.Arbitrary<Case> = fc.record({
  shape: fc.constantFrom(...shapes),
  steps: fc.array(stepArbitrary, { maxLength: 3 }),
  style: fc.constantFrom<StateStyle>('live', 'wrapper with a closure', 'class wrapper'),
});

export const describeCase = (c: Case): string =>
  `${c.shape.name} under [${c.steps.map((s) => s.in).join(', ')}], ${c.style}`;

/** A store of one case's state: `reset` starts over, `update` applies an operation to the cell. */
export function storeOf(c: Case) {
  let root = wrap(c.shape.make(), c.steps);
  let seen = new Set<string>();
  let fresh = 0;
  let latestSeq = Number.NEGATIVE_INFINITY;
  const update = (operation: (value: unknown) => unknown): void => {
    if (c.steps.length === 0) {
      root = operation(root);
      return;
    }
    let container = root;
    for (const step of c.steps.slice(0, -1)) container = child(container, step);
    const last = c.steps[c.steps.length - 1]!;
    setChild(container, last, operation(child(container, last)));
  };
  return {
    reset: (): void => {
      root = wrap(c.shape.make(), c.steps);
      seen = new Set();
      fresh = 0;
      latestSeq = Number.NEGATIVE_INFINITY;
    },
    state: (): unknown =>
      c.style === 'live'
        ? root
        : c.style === 'class wrapper'
          ? new View(root)
          : { data: root, describe: () => `state of ${c.shape.name}` },
    add: (amount: number): void => update((v) => c.shape.add(v, amount, ++fresh)),
    assign: (n: number): void => update((v) => c.shape.assign(v, n)),
    read: (): number => {
      let value = root;
      for (const step of c.steps) value = child(value, step);
      return c.shape.read(value);
    },
    /** True the first time an id is seen: the dedupe of an idempotent handler. */
    firstTime: (id: string): boolean => !seen.has(id) && Boolean(seen.add(id)),
    /** True when `seq` is newer than every one applied so far: last-writer-wins by sequence, not arrival. */
    newer: (seq: number): boolean => seq > latestSeq && ((latestSeq = seq), true),
  };
}

export type Store = ReturnType<typeof storeOf>;
