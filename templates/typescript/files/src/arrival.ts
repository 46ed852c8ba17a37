import type { IncomingMessage } from 'node:http';

const ARRIVED_AT = Symbol('arrivedAt');

interface MarkedRequest extends IncomingMessage {
  [ARRIVED_AT]?: number;
}

/**
 * Notes when a request arrived, on the request itself. (Fastify's own reply.elapsedTime is
 * only kept when it has a logger or an onResponse hook, and either makes it listen for the end
 * of every response; see app.ts.)
 */
export function markArrival(request: IncomingMessage): void {
  (request as MarkedRequest)[ARRIVED_AT] = performance.now();
}

/** Milliseconds since markArrival saw the request; 0 if it never did. */
export function msSinceArrival(request: IncomingMessage): number {
  const arrivedAt = (request as MarkedRequest)[ARRIVED_AT];
  return arrivedAt === undefined ? 0 : performance.now() - arrivedAt;
}
