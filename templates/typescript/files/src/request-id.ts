import { randomFillSync } from 'node:crypto';

// Incoming ids are echoed into logs and headers, so only a safe alphabet is accepted;
// anything else gets a fresh id rather than being trusted.
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** 22 base64url characters: 132 random bits, more than a UUID's 122; ids never collide in practice. */
const ID_LENGTH = 22;
/** Ids are cut from one batch of random bytes: 16 KiB make 21,846 characters, 993 ids. */
const BATCH_BYTES = 16 * 1024;

const batchBytes = Buffer.alloc(BATCH_BYTES);
let batch = '';
let offset = 0;

/**
 * A new request id: 22 characters of base64url ([A-Za-z0-9_-]), 132 bits of a random stream
 * that no other id shares.
 *
 * Ids are cut from one base64url string made per batch of random bytes: a UUID per request
 * (crypto.randomUUID) cost 5-9 % of a GET's CPU time in this service, more than making it
 * suggests, because the string it returns is assembled from 20 pieces that every later use
 * (the header check, the write, a Map key) first has to join. A slice of one flat string is
 * read directly. 22 characters rather than 36 also make every response and log line shorter.
 */
export function newRequestId(): string {
  if (offset + ID_LENGTH > batch.length) {
    randomFillSync(batchBytes);
    batch = batchBytes.toString('base64url');
    offset = 0;
  }
  const id = batch.slice(offset, offset + ID_LENGTH);
  offset += ID_LENGTH;
  return id;
}

/** The request's id: the caller's x-request-id when it is acceptable, a new one otherwise. */
export function requestIdFrom(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && ACCEPTABLE_ID.test(incoming) ? incoming : newRequestId();
}
