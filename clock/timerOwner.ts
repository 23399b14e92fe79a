/**
 * Which clock issued a timer handle. Every fake-timers clock numbers its timers from 1e12, so a handle of
 * another clock (or of Vitest's or Jest's fake timers) converts to the same number as one of ours: the
 * number alone cannot say whose it is, the handle object can.
 *
 * The owner is stamped on the handle as a private field (a class constructor that returns another object
 * adds its subclass's private fields to that object). Why not a WeakSet: adding to one costs more than
 * fake-timers' whole setTimeout (issue 20 measured TestClock at 0.80x raw fake-timers for it); a private
 * field is an ordinary property store, and unlike a symbol-keyed property it is invisible to
 * `util.inspect`, `toEqual` and `Object.getOwnPropertySymbols`, so the handle the user sees is unchanged.
 */

class Returning {
  constructor(target: object) {
    // The trick: `super(target)` in a subclass makes its `this` be `target`.
    return target;
  }
}

class Stamp extends Returning {
  #owner: object;

  private constructor(handle: object, owner: object) {
    super(handle);
    this.#owner = owner;
  }

  static stamp(handle: object, owner: object): void {
    new Stamp(handle, owner);
  }

  static ownerOf(handle: object): object | undefined {
    return #owner in handle ? (handle as Stamp).#owner : undefined;
  }
}

/** Marks `handle` (an object a clock returned from setTimeout/setInterval) as issued by `owner`. Once per handle. */
export function stampOwner(handle: object, owner: object): void {
  Stamp.stamp(handle, owner);
}

/** The clock that issued `handle`, or undefined when none stamped it. */
export function ownerOf(handle: object): object | undefined {
  return Stamp.ownerOf(handle);
}
