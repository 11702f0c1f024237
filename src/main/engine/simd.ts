// WebAssembly SIMD loops that run directly on the tfjs wasm backend's memory: the optimizer updates,
// and column sums (bias gradients).
//
// Why: on wasm, Adam as tfjs ops is 12 kernels per tensor, each allocating a new output (~30 passes over
// LeNet-300-100's 266K floats per step, a quarter of the step), and a JavaScript loop is no faster here
// (~3 ns per element). One SIMD pass (f32x4) over w, g, mask and the state is ~10× cheaper.
//
// The module is generated below by a tiny assembler (no build tool needed) and instantiated with the
// backend's own exported WebAssembly.Memory, so it reads and writes tensor buffers in place by address.
// Each function updates `bytes` bytes (a multiple of 16) of float32 arrays; the caller handles the last
// 0–3 elements with the scalar reference in fused-optimizer.ts, whose per-operation float32 rounding
// (Math.fround) makes it bit-identical to these loops. Masked variants keep entries whose mask is 0
// bit-identical with v128.bitselect.
// Column sums: tfjs has no fast reduction over the leading axis on wasm (Sum transposes first; a matMul
// with a row of ones re-packs the whole matrix), so `colsum` adds rows with f32x4 adds, in row order.

// ---- a minimal WebAssembly binary encoder ----

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function str(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

/** SIMD opcodes (prefix 0xfd) used here. */
const SIMD = {
  load: 0x00,
  store: 0x0b,
  f32x4_splat: 0x13,
  f32x4_ne: 0x42,
  bitselect: 0x52,
  f32x4_sqrt: 0xe3,
  f32x4_add: 0xe4,
  f32x4_sub: 0xe5,
  f32x4_mul: 0xe6,
  f32x4_div: 0xe7,
} as const;

/** Emits one function body; locals are referred to by name. */
class Body {
  readonly code: number[] = [];
  private readonly index = new Map<string, number>();
  private readonly extra: number[] = [];

  constructor(private readonly params: [string, number][]) {
    params.forEach(([name], i) => this.index.set(name, i));
  }

  local(name: string, type: number): this {
    this.index.set(name, this.params.length + this.extra.length);
    this.extra.push(type);
    return this;
  }

  private at(name: string): number {
    const i = this.index.get(name);
    if (i === undefined) throw new Error(`wasm assembler: unknown local ${name}`);
    return i;
  }

  get(name: string): this {
    this.code.push(0x20, ...uleb(this.at(name)));
    return this;
  }

  set(name: string): this {
    this.code.push(0x21, ...uleb(this.at(name)));
    return this;
  }

  tee(name: string): this {
    this.code.push(0x22, ...uleb(this.at(name)));
    return this;
  }

  i32Const(n: number): this {
    this.code.push(0x41, ...sleb(n));
    return this;
  }

  op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  simd(opcode: number): this {
    this.code.push(0xfd, ...uleb(opcode));
    return this;
  }

  /** Push the address base + i. */
  addr(base: string): this {
    return this.get(base).get('i').op(0x6a); // i32.add
  }

  /** v128.load from base + i (alignment hint 4 bytes: tensors are float32-aligned). */
  load(base: string): this {
    return this.addr(base).simd(SIMD.load).op(2, 0);
  }

  /** Pops a v128 value computed by `value` and stores it at base + i. */
  store(base: string, value: (b: this) => void): this {
    this.addr(base);
    value(this);
    return this.simd(SIMD.store).op(2, 0);
  }

  /** The encoded body: local declarations followed by the code. */
  encode(): number[] {
    const groups: number[][] = [];
    for (const t of this.extra) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0] += 1;
      else groups.push([1, t]);
    }
    const body = [...vec(groups.map(([count, type]) => [...uleb(count), type])), ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

/**
 * `for (counter = 0; counter < limit; counter += stride) step()` around the body's code (the counter
 * is reset to 0 first; nothing runs when limit is 0).
 */
function loopOver(b: Body, step: () => void, counter = 'i', limit = 'bytes', stride = 16): void {
  b.i32Const(0).set(counter);
  b.op(0x02, 0x40); // block
  b.get(limit).op(0x45).op(0x0d, 0); // i32.eqz; br_if 0
  b.op(0x03, 0x40); // loop
  step();
  b.get(counter).i32Const(stride).op(0x6a).tee(counter).get(limit).op(0x49).op(0x0d, 0); // counter += stride; br_if (counter < limit)
  b.op(0x0b, 0x0b); // end loop, end block
}

/** Locals holding f32 parameters splatted to all four lanes, plus `zero` for the mask test. */
function splats(b: Body, names: string[], masked: boolean): void {
  for (const n of names) b.local(`${n}4`, V128);
  if (masked) b.local('zero4', V128).local('sel', V128);
  for (const n of names) b.get(n).simd(SIMD.f32x4_splat).set(`${n}4`);
  if (masked) b.op(0x43, 0, 0, 0, 0).simd(SIMD.f32x4_splat).set('zero4'); // f32.const 0
}

/** Keep the old value where the mask is 0: bitselect(new, old, mask != 0). */
function select(b: Body, masked: boolean, newer: string, older: string): void {
  b.get(newer);
  if (masked) b.get(older).get('sel').simd(SIMD.bitselect);
}

type FnDef = { name: string; params: [string, number][]; build: (b: Body, masked: boolean) => void };

const POINTER = (names: string[]): [string, number][] => names.map((n) => [n, I32]);

const FUNCTIONS: FnDef[] = [
  {
    // m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; w ← w − (m·lr)/(√v + ε)
    name: 'adam',
    params: [...POINTER(['w', 'g', 'mask', 'm', 'v', 'ow', 'om', 'ov', 'bytes']), ['lr', F32], ['b1', F32], ['a1', F32], ['b2', F32], ['a2', F32], ['eps', F32]],
    build(b, masked) {
      b.local('i', I32);
      for (const n of ['G', 'M', 'V', 'W', 'M1', 'V1', 'W1']) b.local(n, V128);
      splats(b, ['lr', 'b1', 'a1', 'b2', 'a2', 'eps'], masked);
      loopOver(b, () => {
        if (masked) b.load('mask').get('zero4').simd(SIMD.f32x4_ne).set('sel');
        b.load('g').set('G').load('m').set('M').load('v').set('V').load('w').set('W');
        b.get('M').get('b14').simd(SIMD.f32x4_mul).get('G').get('a14').simd(SIMD.f32x4_mul).simd(SIMD.f32x4_add).set('M1');
        b.get('V').get('b24').simd(SIMD.f32x4_mul)
          .get('G').get('G').simd(SIMD.f32x4_mul).get('a24').simd(SIMD.f32x4_mul)
          .simd(SIMD.f32x4_add).set('V1');
        b.get('W').get('M1').get('lr4').simd(SIMD.f32x4_mul)
          .get('V1').simd(SIMD.f32x4_sqrt).get('eps4').simd(SIMD.f32x4_add)
          .simd(SIMD.f32x4_div).simd(SIMD.f32x4_sub).set('W1');
        b.store('om', () => select(b, masked, 'M1', 'M'));
        b.store('ov', () => select(b, masked, 'V1', 'V'));
        b.store('ow', () => select(b, masked, 'W1', 'W'));
      });
    },
  },
  {
    // a ← μ·a + g; w ← w − a·lr
    name: 'momentum',
    params: [...POINTER(['w', 'g', 'mask', 'a', 'ow', 'oa', 'bytes']), ['lr', F32], ['mu', F32]],
    build(b, masked) {
      b.local('i', I32);
      for (const n of ['A', 'W', 'A1', 'W1']) b.local(n, V128);
      splats(b, ['lr', 'mu'], masked);
      loopOver(b, () => {
        if (masked) b.load('mask').get('zero4').simd(SIMD.f32x4_ne).set('sel');
        b.load('a').set('A').load('w').set('W');
        b.get('A').get('mu4').simd(SIMD.f32x4_mul).load('g').simd(SIMD.f32x4_add).set('A1');
        b.get('W').get('A1').get('lr4').simd(SIMD.f32x4_mul).simd(SIMD.f32x4_sub).set('W1');
        b.store('oa', () => select(b, masked, 'A1', 'A'));
        b.store('ow', () => select(b, masked, 'W1', 'W'));
      });
    },
  },
  {
    // w ← w − g·lr
    name: 'sgd',
    params: [...POINTER(['w', 'g', 'mask', 'ow', 'bytes']), ['lr', F32]],
    build(b, masked) {
      b.local('i', I32);
      b.local('W', V128).local('W1', V128);
      splats(b, ['lr'], masked);
      loopOver(b, () => {
        if (masked) b.load('mask').get('zero4').simd(SIMD.f32x4_ne).set('sel');
        b.load('w').set('W');
        b.get('W').load('g').get('lr4').simd(SIMD.f32x4_mul).simd(SIMD.f32x4_sub).set('W1');
        b.store('ow', () => select(b, masked, 'W1', 'W'));
      });
    },
  },
];

/** Functions without a masked variant. */
const PLAIN: FnDef[] = [
  {
    // dst[c] = Σ_r src[r·cols + c] for the first `vecBytes`/4 columns (a multiple of 4), rows in order.
    name: 'colsum',
    params: POINTER(['src', 'dst', 'rows', 'rowBytes', 'vecBytes']),
    build(b) {
      b.local('i', I32).local('r', I32).local('p', I32).local('zero4', V128);
      b.op(0x43, 0, 0, 0, 0).simd(SIMD.f32x4_splat).set('zero4');
      loopOver(b, () => b.store('dst', () => b.get('zero4')), 'i', 'vecBytes');
      b.get('src').set('p');
      loopOver(
        b,
        () => {
          loopOver(b, () => b.store('dst', () => b.load('dst').load('p').simd(SIMD.f32x4_add)), 'i', 'vecBytes');
          b.get('p').get('rowBytes').op(0x6a).set('p'); // p += rowBytes
        },
        'r',
        'rows',
        1,
      );
    },
  },
];

/** The module's bytes: imports env.memory; exports adam, adam_masked, ..., sgd_masked, colsum. */
export function buildUpdateModule(): Uint8Array<ArrayBuffer> {
  const variants = [
    ...FUNCTIONS.flatMap((f) => [false, true].map((masked) => ({ f, masked, name: masked ? `${f.name}_masked` : f.name }))),
    ...PLAIN.map((f) => ({ f, masked: false, name: f.name })),
  ];
  const types = variants.map(({ f }) => [0x60, ...vec(f.params.map(([, t]) => [t])), ...vec([])]);
  const imports = vec([[...str('env'), ...str('memory'), 0x02, 0x00, ...uleb(0)]]);
  const funcs = vec(variants.map((_, i) => uleb(i)));
  const exports = vec(variants.map((v, i) => [...str(v.name), 0x00, ...uleb(i)]));
  const bodies = variants.map(({ f, masked }) => {
    const b = new Body(f.params);
    f.build(b, masked);
    return b.encode();
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exports),
    ...section(10, vec(bodies)),
  ]);
}

type Ptr = number;

export interface SimdUpdates {
  /** Pointers are byte addresses in the memory; `bytes` a multiple of 16; mask 0 = no mask. */
  adam(w: Ptr, g: Ptr, mask: Ptr, m: Ptr, v: Ptr, ow: Ptr, om: Ptr, ov: Ptr, bytes: number,
    lr: number, b1: number, a1: number, b2: number, a2: number, eps: number): void;
  momentum(w: Ptr, g: Ptr, mask: Ptr, a: Ptr, ow: Ptr, oa: Ptr, bytes: number, lr: number, mu: number): void;
  sgd(w: Ptr, g: Ptr, mask: Ptr, ow: Ptr, bytes: number, lr: number): void;
  /** dst[c] = Σ_r src[r·cols + c] for the first vecBytes/4 columns; rowBytes = 4·cols. */
  colsum(src: Ptr, dst: Ptr, rows: number, rowBytes: number, vecBytes: number): void;
}

const instances = new WeakMap<WebAssembly.Memory, SimdUpdates>();
let compiled: WebAssembly.Module | null | undefined;

/** The SIMD update functions bound to `memory`, or null when this runtime cannot run them. */
export function simdUpdatesFor(memory: WebAssembly.Memory): SimdUpdates | null {
  const cached = instances.get(memory);
  if (cached) return cached;
  if (compiled === undefined) {
    const bytes = buildUpdateModule();
    compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  if (compiled === null) return null;
  type Fn = (...args: number[]) => void;
  const e = new WebAssembly.Instance(compiled, { env: { memory } }).exports as Record<string, Fn>;
  const pick = (name: string, maskArg: number): Fn => (...args: number[]) => (args[maskArg] === 0 ? e[name] : e[`${name}_masked`])(...args);
  const updates: SimdUpdates = { adam: pick('adam', 2), momentum: pick('momentum', 2), sgd: pick('sgd', 2), colsum: e.colsum };
  instances.set(memory, updates);
  return updates;
}

/** The parts of the tfjs wasm backend's Emscripten module used to find its memory. */
export interface WasmModuleView {
  HEAPU8: Uint8Array;
  asm?: Record<string, unknown>;
  wasmMemory?: unknown;
}

const memoryOfModule = new WeakMap<object, WebAssembly.Memory | null>();

/** The SIMD functions bound to the tfjs wasm module's exported memory, or null if unavailable. */
export function simdForWasmModule(module: WasmModuleView): SimdUpdates | null {
  if (!memoryOfModule.has(module)) {
    const candidates = [module.wasmMemory, module.asm?.memory, ...Object.values(module.asm ?? {})];
    memoryOfModule.set(module, (candidates.find((m) => m instanceof WebAssembly.Memory) as WebAssembly.Memory | undefined) ?? null);
  }
  const memory = memoryOfModule.get(module);
  return memory ? simdUpdatesFor(memory) : null;
}
