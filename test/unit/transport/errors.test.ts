// toContractError: what a renderer sees when a handler throws. Real errors from the project's own
// modules (a SpecError from resolveRunSpec, a DatasetError, a NotFoundError, a StoreError) plus the odd
// things JavaScript lets code throw. Never a stack trace, always a readable message.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { resolveRunSpec } from '../../../src/common/spec';
import { DatasetError } from '../../../src/main/data/errors';
import { NotFoundError } from '../../../src/main/runs/queries';
import { StoreError } from '../../../src/main/store/errors';
import { isChannel, MAX_MESSAGE_CHARS, readableMessage, toContractError } from '../../../src/main/transport/dispatch';
import { toApiError, ApiError } from '../../../src/renderer/src/api/errors';

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('toContractError', () => {
  it('turns a SpecError into invalid_request with its issues', () => {
    const err = thrownBy(() => resolveRunSpec({ net: 'conv2', dataset: { id: 'mnist' } }));
    const out = toContractError(err, 'runs.create');
    expect(out.code).toBe('invalid_request');
    expect(out.issues?.map((i) => i.path)).toContain('dataset.id');
    expect(out.message).toContain('dataset.id');
  });

  it('maps not-found errors to not_found', () => {
    expect(toContractError(new NotFoundError('no run with id abc'), 'runs.get')).toEqual({ code: 'not_found', message: 'no run with id abc' });
    const store = new StoreError('not_found', 'the run does not exist', '/tmp/x.sqlite');
    expect(toContractError(store, 'runs.get').code).toBe('not_found');
    const other = new StoreError('disk_full', 'Disk full while saving', '/tmp/x.sqlite', 'SQLITE_FULL');
    expect(toContractError(other, 'runs.create')).toEqual({ code: 'failed', message: 'Disk full while saving' });
  });

  it('honours an explicit contract code and ignores foreign ones', () => {
    expect(toContractError(Object.assign(new Error('gone'), { code: 'not_found' }), 'runs.get').code).toBe('not_found');
    expect(toContractError(Object.assign(new Error('no file'), { code: 'ENOENT' }), 'datasets.list').code).toBe('failed');
  });

  it('keeps a DatasetError message verbatim', () => {
    const err = new DatasetError('/data/mnist/train-images-idx3-ubyte', 'file is truncated');
    expect(toContractError(err, 'runs.create')).toEqual({ code: 'failed', message: '/data/mnist/train-images-idx3-ubyte: file is truncated' });
  });

  it('strips stack-frame lines that ended up in a message', () => {
    const err = new Error('boom\n    at handler (/work/main/src/main/app/services.ts:10:5)\n    at dispatch (dispatch.ts:3:1)');
    const out = toContractError(err, 'runs.list');
    expect(out.message).toBe('boom');
    expect(JSON.stringify(out)).not.toContain('services.ts');
  });

  it('summarises a ZodError thrown inside a handler', () => {
    const err = thrownBy(() => z.object({ n: z.number() }).parse({ n: 'x' }));
    const out = toContractError(err, 'spec.estimate');
    expect(out.code).toBe('failed');
    expect(out.message).toMatch(/^"spec.estimate" failed: n: /);
  });

  it('handles thrown strings, objects and empty messages', () => {
    expect(toContractError('plain text', 'app.info')).toEqual({ code: 'failed', message: 'plain text' });
    expect(toContractError({ weird: true }, 'app.info')).toEqual({ code: 'failed', message: '"app.info" failed' });
    expect(toContractError(new Error(''), 'app.info').message).toBe('"app.info" failed');
    expect(toContractError(undefined, 'app.info').message).toBe('"app.info" failed');
  });

  it('caps runaway messages', () => {
    const out = readableMessage('x'.repeat(MAX_MESSAGE_CHARS * 2), 'fallback');
    expect(out.length).toBe(MAX_MESSAGE_CHARS);
    expect(out.endsWith('…')).toBe(true);
  });
});

describe('isChannel', () => {
  it('knows own channel names only', () => {
    expect(isChannel('runs.get')).toBe(true);
    for (const name of ['toString', '__proto__', 'constructor', '', 'runs', 42, null]) expect(isChannel(name)).toBe(false);
  });
});

describe('renderer ApiError', () => {
  it('rebuilds an ApiError from the plain object the preload bridge rejects with', () => {
    const err = toApiError({ code: 'invalid_request', message: 'bad', issues: [{ path: 'id', message: 'must be hex' }] });
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('invalid_request');
    expect(err.issues).toEqual([{ path: 'id', message: 'must be hex' }]);
    expect(toApiError(new Error('network down'))).toMatchObject({ code: 'failed', message: 'network down' });
    expect(toApiError({ code: 'teapot', message: 'x' }).code).toBe('failed');
  });
});
