import { randomUUID } from 'node:crypto';

/** A CloudEvents 1.0 event in structured mode: the whole envelope is the message body. */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: T;
}

/** The content type of a structured-mode CloudEvent in JSON. */
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';

export function newCloudEvent<T>(source: string, type: string, subject: string, data: T): CloudEvent<T> {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source,
    type,
    subject,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
  };
}

/** A message body that is not a CloudEvent this service can read. */
export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

const REQUIRED_STRINGS = ['id', 'source', 'type'] as const;

/**
 * Reads a structured-mode CloudEvent from a message body. Checks the envelope only; the data
 * is checked against its type's schema (schemas.ts).
 */
export function parseCloudEvent(body: Buffer): CloudEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new InvalidEventError('the message body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidEventError('the message body is not a JSON object');
  }
  const event = parsed as Record<string, unknown>;
  if (event['specversion'] !== '1.0') throw new InvalidEventError('specversion must be "1.0"');
  for (const attribute of REQUIRED_STRINGS) {
    const value = event[attribute];
    if (typeof value !== 'string' || value === '') throw new InvalidEventError(`${attribute} must be a non-empty string`);
  }
  return parsed as CloudEvent;
}
