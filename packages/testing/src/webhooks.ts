import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { resolve } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { REPO_ROOT } from './stack-env';

/**
 * The receiver's check exactly as docs/notifications.md ("Verifying the signature") gives it,
 * so the tests prove the documented method works, not our own code.
 */
export function verifyOtusWebhook(
  secret: string,
  headers: IncomingHttpHeaders,
  rawBody: string,
  toleranceSeconds = 300,
): boolean {
  const timestamp = String(headers['x-otus-timestamp'] ?? '');
  const signature = String(headers['x-otus-signature'] ?? '');
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`);
  return signature.split(',').some((candidate) => {
    const given = Buffer.from(candidate.trim());
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

const ajv = addFormats(new Ajv2020({ allErrors: true }));

/** The payload's JSON Schema from docs/webhooks/. */
export function payloadSchema(event: string): ValidateFunction {
  return (
    ajv.getSchema(`urn:otus-contract:webhooks:${event}:v1`) ??
    ajv.compile(JSON.parse(readFileSync(resolve(REPO_ROOT, `docs/webhooks/${event}.schema.json`), 'utf8')))
  );
}

/** [] when valid, else ajv's errors: a failing expectation then shows what is wrong. */
export function schemaErrors(event: string, payload: unknown): unknown[] {
  const validate = payloadSchema(event);
  return validate(payload) ? [] : (validate.errors ?? ['invalid']);
}
