// Generated from the contract: for every channel in CHANNELS, malformed requests (not an object, an
// unknown field, each required field missing, each field with a value of the wrong type) must come back
// through the real browser-mode server, over HTTP with the real token, as `invalid_request` with a
// message that names the channel and the field, and no stack trace. A well-formed request must get past
// validation. Adding a channel to src/common/contract.ts adds its cases here (VALID must then get an
// example, which the type checker demands).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { CHANNELS, channels, type Channel, type Request } from '../../../src/common/contract';
import { call, startHarness, type Harness } from './harness';

/** One well-formed request per channel (the type forces an entry for every channel). */
const VALID: { [C in Channel]: Request<C> } = {
  'app.info': {},
  'app.doctor': {},
  'registry.get': {},
  'datasets.list': { cifar10Path: '/nowhere/cifar-10-batches-bin' },
  'spec.validate': { spec: { net: 'fc' } },
  'spec.estimate': { spec: { net: 'fc', training: { iterations: 100 } } },
  'runs.list': { limit: 5 },
  'runs.get': { id: 'abcdef0123' },
  'runs.create': { spec: { net: 'fc' } },
  'runs.cancel': { id: 'abcdef0123' },
  'runs.resume': { id: 'abcdef0123' },
  'runs.delete': { id: 'abcdef0123' },
  'runs.exportCsv': { id: 'abcdef0123' },
  'experiments.preview': { spec: { kind: 'experiment', net: 'fc', seeds: 2, pruning: { criterion: ['large_final', 'random'] } } },
  'experiments.create': { spec: { kind: 'experiment', net: 'fc', seeds: 2 } },
  'experiments.list': { limit: 5 },
  'experiments.get': { id: 'abcdef0123', alpha: 0.05 },
  'experiments.cancel': { id: 'abcdef0123' },
  'experiments.exportCsv': { id: 'abcdef0123' },
};

/**
 * Not sent as positive controls: calls with side effects (browser-server.test.ts creates a run), and
 * spec.estimate, which benchmarks the trainer for seconds (its estimator has its own tests).
 */
const NO_POSITIVE_CONTROL: ReadonlySet<Channel> = new Set(['runs.create', 'experiments.create', 'spec.estimate']);

/**
 * Values of different JSON types. A field's "wrong type" value is the first one its schema rejects whose
 * JSON type differs from the field's value in VALID (any rejected one if VALID leaves the field out).
 */
const WRONG_TYPE_CANDIDATES: unknown[] = [12345, 'not-the-right-type', true, [1, 2], { nested: true }, null];

function jsonType(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}
const NOT_OBJECTS: unknown[] = [null, 42, 'text', [], true];

interface FieldCase {
  field: string;
  required: boolean;
  /** A value the field's schema rejects, or undefined when it accepts every JSON value (z.unknown()). */
  wrong: { value: unknown } | undefined;
}

function fieldsOf(channel: Channel): FieldCase[] {
  const schema = channels[channel].request as z.ZodObject<Record<string, z.ZodType>>;
  const example = VALID[channel] as Record<string, unknown>;
  return Object.entries(schema.shape).map(([field, fieldSchema]) => {
    const validType = field in example ? jsonType(example[field]) : null;
    const rejected = WRONG_TYPE_CANDIDATES.findIndex((v) => jsonType(v) !== validType && !fieldSchema.safeParse(v).success);
    return {
      field,
      required: !fieldSchema.safeParse(undefined).success,
      wrong: rejected >= 0 ? { value: WRONG_TYPE_CANDIDATES[rejected] } : undefined,
    };
  });
}

/** Every request schema is a strict object, which is what makes "unknown field" and "not an object" testable. */
function isStrictObject(channel: Channel): boolean {
  const def = (channels[channel].request as unknown as { _zod: { def: { type: string; catchall?: { _zod: { def: { type: string } } } } } })._zod.def;
  return def.type === 'object' && def.catchall?._zod.def.type === 'never';
}

function expectClearRejection(res: Awaited<ReturnType<typeof call>>, channel: Channel, mentions: string): void {
  expect(res.status).toBe(400);
  expect(res.body.ok).toBe(false);
  expect(res.body.error?.code).toBe('invalid_request');
  const message = res.body.error?.message ?? '';
  expect(message).toContain(`"${channel}"`);
  expect(message).toContain(mentions);
  expect(message).not.toMatch(/\n\s+at\s|\.(ts|js):\d+/);
  expect(res.body.error?.issues?.length).toBeGreaterThan(0);
}

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.close();
});

it('has a well-formed example for every channel, and every request schema is a strict object', () => {
  expect(Object.keys(VALID).sort()).toEqual([...CHANNELS].sort());
  for (const channel of CHANNELS) expect(isStrictObject(channel), channel).toBe(true);
});

describe.each(CHANNELS.map((c) => [c] as const))('%s', (channel) => {
  const fields = fieldsOf(channel);

  it.each(NOT_OBJECTS.map((v) => [JSON.stringify(v), v] as const))('rejects a payload that is not an object: %s', async (_label, payload) => {
    expectClearRejection(await call(harness, channel, payload), channel, '(payload)');
  });

  it('rejects an unknown field', async () => {
    const res = await call(harness, channel, { ...VALID[channel], surpriseField: 1 });
    expectClearRejection(res, channel, 'surpriseField');
  });

  const required = fields.filter((f) => f.required);
  if (required.length > 0) {
    it.each(required.map((f) => [f.field] as const))('rejects a request without required field "%s"', async (field) => {
      const payload: Record<string, unknown> = { ...VALID[channel] };
      delete payload[field];
      const res = await call(harness, channel, payload);
      expectClearRejection(res, channel, field);
      expect(res.body.error?.issues?.map((i) => i.path)).toContain(field);
    });
  }

  const typed = fields.filter((f) => f.wrong !== undefined);
  if (typed.length > 0) {
    it.each(typed.map((f) => [f.field, f.wrong!.value] as const))('rejects field "%s" with a wrong-typed value %j', async (field, value) => {
      const res = await call(harness, channel, { ...VALID[channel], [field]: value });
      expectClearRejection(res, channel, field);
      expect(res.body.error?.issues?.some((i) => i.path === field || i.path.startsWith(`${field}.`))).toBe(true);
    });
  }

  if (!NO_POSITIVE_CONTROL.has(channel)) {
    it('lets a well-formed request through validation', async () => {
      const res = await call(harness, channel, VALID[channel]);
      // Run ids that do not exist give not_found (or another service-level answer), never a contract rejection.
      if (!res.body.ok) {
        expect(res.body.error?.code).not.toBe('invalid_request');
        expect(res.body.error?.code).not.toBe('unknown_channel');
        expect(res.body.error?.message).not.toMatch(/\n\s+at\s/);
      } else {
        expect(res.status).toBe(200);
      }
    });
  }
});

describe('channel names', () => {
  it.each(['no.such.channel', 'toString', '__proto__', 'constructor', 'hasOwnProperty', 'runs.get.extra'])(
    'answers 404 unknown_channel for "%s"',
    async (name) => {
      const res = await call(harness, name, {});
      expect(res.status).toBe(404);
      expect(res.body.error?.code).toBe('unknown_channel');
      expect(res.body.error?.message).toContain('unknown channel');
    },
  );
});
