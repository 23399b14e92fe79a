/** The event history the outbox examples replay: two orders, one shipped, one cancelled. */
import type { OrderEvent, ProjectionState } from './orderProjection.ts';

export const orderEvents: OrderEvent[] = [
  { id: 'e1', type: 'OrderPlaced', orderId: 'ord_17', seq: 1, total: 4200 },
  { id: 'e2', type: 'OrderPaid', orderId: 'ord_17', seq: 2, amount: 4200 },
  { id: 'e3', type: 'OrderShipped', orderId: 'ord_17', seq: 3, carrier: 'dhl' },
  { id: 'e4', type: 'OrderPlaced', orderId: 'ord_18', seq: 1, total: 990 },
  { id: 'e5', type: 'OrderCancelled', orderId: 'ord_18', seq: 2, reason: 'out of stock' },
];

/** What in-order, once-only delivery of `orderEvents` gives. */
export const expectedState: ProjectionState = {
  orders: {
    ord_17: { status: 'shipped', seq: 3, total: 4200, paid: 4200 },
    ord_18: { status: 'cancelled', seq: 2, total: 990, paid: 0 },
  },
  revenue: 4200,
};
