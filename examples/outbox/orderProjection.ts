/**
 * The consumer side of the outbox: an order projection fed by an at-least-once broker. Messages can
 * arrive twice (a relay retry after a lost ack) and out of order (partitions, redeliveries), so it
 *  - remembers which message ids it has applied (a redelivery changes nothing), and
 *  - orders each order's status by the message's `seq` (the order's own version), not by arrival.
 * It sends the "your order has shipped" e-mail once per order, through an injected port.
 *
 * `bugs` plants the two classic mistakes, for the deliberately failing variants:
 *  - `arrivalOrderWins`: the status is whatever arrived last (a late OrderPaid overwrites OrderShipped);
 *  - `noDedupe`: no processed-ids table, so a redelivered OrderPaid is counted twice and the e-mail is re-sent.
 */
export type OrderEvent =
  | { id: string; type: 'OrderPlaced'; orderId: string; seq: number; total: number }
  | { id: string; type: 'OrderPaid'; orderId: string; seq: number; amount: number }
  | { id: string; type: 'OrderShipped'; orderId: string; seq: number; carrier: string }
  | { id: string; type: 'OrderCancelled'; orderId: string; seq: number; reason: string };

export interface OrderView {
  status: 'placed' | 'paid' | 'shipped' | 'cancelled';
  seq: number;
  total: number;
  paid: number;
}

export interface ProjectionState {
  orders: Record<string, OrderView>;
  revenue: number;
}

export interface ProjectionBugs {
  arrivalOrderWins?: boolean;
  noDedupe?: boolean;
}

const STATUS: Record<OrderEvent['type'], OrderView['status']> = {
  OrderPlaced: 'placed',
  OrderPaid: 'paid',
  OrderShipped: 'shipped',
  OrderCancelled: 'cancelled',
};

export class OrderProjection {
  #orders = new Map<string, OrderView>();
  #applied = new Set<string>();
  #revenue = 0;

  readonly #ports: { sendShippedEmail: (orderId: string, carrier: string) => void };
  readonly #bugs: ProjectionBugs;

  constructor(ports: { sendShippedEmail: (orderId: string, carrier: string) => void }, bugs: ProjectionBugs = {}) {
    this.#ports = ports;
    this.#bugs = bugs;
  }

  apply(event: OrderEvent): void {
    if (!this.#bugs.noDedupe) {
      if (this.#applied.has(event.id)) return; // a redelivery: already applied
      this.#applied.add(event.id);
    }
    const view = this.#orders.get(event.orderId) ?? { status: 'placed', seq: 0, total: 0, paid: 0 };
    if (event.type === 'OrderPlaced') view.total = event.total;
    if (event.type === 'OrderPaid') {
      view.paid += event.amount;
      this.#revenue += event.amount;
    }
    const newer = this.#bugs.arrivalOrderWins || event.seq > view.seq;
    if (newer) {
      view.status = STATUS[event.type];
      view.seq = event.seq;
    }
    this.#orders.set(event.orderId, view);
    if (event.type === 'OrderShipped') this.#ports.sendShippedEmail(event.orderId, event.carrier);
  }

  state(): ProjectionState {
    return {
      orders: Object.fromEntries([...this.#orders].map(([id, view]) => [id, { ...view }])),
      revenue: this.#revenue,
    };
  }

  reset(): void {
    this.#orders.clear();
    this.#applied.clear();
    this.#revenue = 0;
  }
}
