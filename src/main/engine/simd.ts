// WebAssembly SIMD loops that run directly on the tfjs wasm backend's memory: the optimizer updates,
// column sums (bias gradients), 4x4-block transposes (optionally adding a bias and applying ReLU on the
// way out) and the ReLU gradient.
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
// Transposes: the stock wasm Transpose walks the output element by element (≈14 ms for a 16384x60
// matrix); `transpose` moves 4x4 blocks with two rounds of lane shuffles. The `_bias`/`_bias_relu`
// variants fuse a dense layer's epilogue (y = act(zᵀ + b)) into that pass.
// ReLU gradient: dz = dy where y > 0, else +0 (one pass instead of tfjs's Step and Multiply).
// Max-pool gradient: 2x2 windows over NHWC, four channels at a time (see `maxpoolgrad`).

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
  shuffle: 0x0d,
  f32x4_ne: 0x42,
  f32x4_gt: 0x44,
  v128_and: 0x4e,
  v128_andnot: 0x4f,
  bitselect: 0x52,
  f32x4_sqrt: 0xe3,
  f32x4_add: 0xe4,
  f32x4_sub: 0xe5,
  f32x4_mul: 0xe6,
  f32x4_div: 0xe7,
  f32x4_max: 0xe9,
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

  /**
   * i8x16.shuffle of the two v128 values on the stack, by float lane: 0–3 pick from the first, 4–7 from
   * the second.
   */
  shuffleF32(lanes: [number, number, number, number]): this {
    this.code.push(0xfd, SIMD.shuffle);
    for (const l of lanes) this.code.push(4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3);
    return this;
  }

  /** v128.load from the address on the stack plus a constant byte offset. */
  loadAt(offset = 0): this {
    return this.simd(SIMD.load).op(2, ...uleb(offset));
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
  ...(['transpose', 'transpose_bias', 'transpose_bias_relu'] as const).map((name): FnDef => ({
    // dst[c·drq + r] = src[r·srb/4 + c] (+ bias[r]) (then max(·, 0)) for r < rows, c < colBytes/4, in
    // 4x4 blocks; rows and colBytes/4 multiples of 4. srb: source row stride in bytes; drq: destination
    // row stride in floats.
    name,
    params: POINTER(['src', 'dst', 'rows', 'colBytes', 'srb', 'drq', 'bias']),
    build(b) {
      const withBias = name !== 'transpose';
      const relu = name === 'transpose_bias_relu';
      b.local('r', I32).local('c', I32).local('s', I32).local('d', I32).local('drb', I32);
      for (const n of ['R0', 'R1', 'R2', 'R3', 'T0', 'T1', 'T2', 'T3', 'B', 'zero4']) b.local(n, V128);
      b.op(0x43, 0, 0, 0, 0).simd(SIMD.f32x4_splat).set('zero4');
      b.get('drq').i32Const(4).op(0x6c).set('drb'); // destination row stride in bytes
      loopOver(
        b,
        () => {
          if (withBias) b.get('bias').get('r').i32Const(4).op(0x6c).op(0x6a).loadAt().set('B');
          loopOver(
            b,
            () => {
              // s = src + r·srb + c; four source rows
              b.get('src').get('r').get('srb').op(0x6c).op(0x6a).get('c').op(0x6a).set('s');
              b.get('s').loadAt().set('R0');
              b.get('s').get('srb').op(0x6a).tee('s').loadAt().set('R1');
              b.get('s').get('srb').op(0x6a).tee('s').loadAt().set('R2');
              b.get('s').get('srb').op(0x6a).loadAt().set('R3');
              b.get('R0').get('R1').shuffleF32([0, 4, 1, 5]).set('T0'); // r0c0 r1c0 r0c1 r1c1
              b.get('R0').get('R1').shuffleF32([2, 6, 3, 7]).set('T1'); // r0c2 r1c2 r0c3 r1c3
              b.get('R2').get('R3').shuffleF32([0, 4, 1, 5]).set('T2');
              b.get('R2').get('R3').shuffleF32([2, 6, 3, 7]).set('T3');
              // d = dst + (c/4)·drb + r·4; four destination rows (source columns c..c+3)
              b.get('dst').get('c').get('drq').op(0x6c).op(0x6a).get('r').i32Const(4).op(0x6c).op(0x6a).set('d');
              const out: [string, string, [number, number, number, number]][] = [
                ['T0', 'T2', [0, 1, 4, 5]],
                ['T0', 'T2', [2, 3, 6, 7]],
                ['T1', 'T3', [0, 1, 4, 5]],
                ['T1', 'T3', [2, 3, 6, 7]],
              ];
              out.forEach(([p, q, lanes], k) => {
                if (k === 0) b.get('d');
                else b.get('d').get('drb').op(0x6a).tee('d');
                b.get(p).get(q).shuffleF32(lanes);
                if (withBias) b.get('B').simd(SIMD.f32x4_add);
                if (relu) b.get('zero4').simd(SIMD.f32x4_max);
                b.simd(SIMD.store).op(2, 0);
              });
            },
            'c',
            'colBytes',
            16,
          );
        },
        'r',
        'rows',
        4,
      );
    },
  })),
  {
    // Backward of a 2x2/stride-2 max-pool over NHWC x [n, h, w, c] (c a multiple of 4): each dy goes to
    // the FIRST maximum of its window in row-major order (strict >, as tfjs's MaxPoolGrad), the other
    // three positions get +0. Windows tile the input, so every output element is written.
    // pairRows = n·h/2; ow = w/2; cBytes = 4c; rowBytes = 4wc.
    name: 'maxpoolgrad',
    params: POINTER(['x', 'dy', 'out', 'pairRows', 'ow', 'cBytes', 'rowBytes']),
    build(b) {
      b.local('r', I32).local('j', I32).local('i', I32).local('px', I32).local('po', I32).local('pd', I32);
      for (const n of ['X00', 'X01', 'X10', 'X11', 'M', 'C00', 'C01', 'C10', 'C11', 'D', 'ninf4']) b.local(n, V128);
      b.op(0x43, 0x00, 0x00, 0x80, 0xff).simd(SIMD.f32x4_splat).set('ninf4'); // f32.const -inf
      b.get('x').set('px').get('out').set('po').get('dy').set('pd');
      const at = (ptr: string, extra: string[]) => {
        b.get(ptr);
        for (const e of extra) b.get(e).op(0x6a);
        return b.loadAt();
      };
      const firstMax = (name: string, prev: string) => {
        // C = X > M; M = C ? X : M
        b.get(name).get(prev).simd(SIMD.f32x4_gt).set(`C${name.slice(1)}`);
        b.get(name).get(prev).get(`C${name.slice(1)}`).simd(SIMD.bitselect).set('M');
      };
      const storeAt = (extra: string[], mask: () => void) => {
        b.get('po');
        for (const e of extra) b.get(e).op(0x6a);
        b.get('D');
        mask();
        b.simd(SIMD.v128_and).simd(SIMD.store).op(2, 0);
      };
      loopOver(
        b,
        () => {
          loopOver(
            b,
            () => {
              loopOver(
                b,
                () => {
                  at('px', []).set('X00');
                  at('px', ['cBytes']).set('X01');
                  at('px', ['rowBytes']).set('X10');
                  at('px', ['rowBytes', 'cBytes']).set('X11');
                  b.get('pd').loadAt().set('D');
                  firstMax('X00', 'ninf4');
                  firstMax('X01', 'M');
                  firstMax('X10', 'M');
                  firstMax('X11', 'M');
                  // The winner is the last window position whose comparison succeeded.
                  storeAt(['rowBytes', 'cBytes'], () => b.get('C11'));
                  storeAt(['rowBytes'], () => b.get('C10').get('C11').simd(SIMD.v128_andnot));
                  storeAt(['cBytes'], () => b.get('C01').get('C10').simd(SIMD.v128_andnot).get('C11').simd(SIMD.v128_andnot));
                  storeAt([], () =>
                    b.get('C00').get('C01').simd(SIMD.v128_andnot).get('C10').simd(SIMD.v128_andnot).get('C11').simd(SIMD.v128_andnot),
                  );
                  for (const ptr of ['px', 'po', 'pd']) b.get(ptr).i32Const(16).op(0x6a).set(ptr);
                },
                'i',
                'cBytes',
                16,
              );
              // Skip the right-hand column of the window pair: the next window starts 2c floats on.
              for (const ptr of ['px', 'po']) b.get(ptr).get('cBytes').op(0x6a).set(ptr);
            },
            'j',
            'ow',
            1,
          );
          // Skip the second image row of the pair.
          for (const ptr of ['px', 'po']) b.get(ptr).get('rowBytes').op(0x6a).set(ptr);
        },
        'r',
        'pairRows',
        1,
      );
    },
  },
  {
    // out = dy where y > 0, else +0 (v128.and with the comparison mask), over `bytes` bytes.
    name: 'relugrad',
    params: POINTER(['dy', 'y', 'out', 'bytes']),
    build(b) {
      b.local('i', I32).local('zero4', V128);
      b.op(0x43, 0, 0, 0, 0).simd(SIMD.f32x4_splat).set('zero4');
      loopOver(b, () => b.store('out', () => b.load('dy').load('y').get('zero4').simd(SIMD.f32x4_gt).simd(SIMD.v128_and)));
    },
  },
];

/**
 * The module's bytes: imports env.memory; exports adam, adam_masked, ..., sgd_masked, colsum, transpose,
 * transpose_bias, transpose_bias_relu, relugrad, maxpoolgrad.
 */
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
  /**
   * dst[c·drq + r] = act(src[r·srb/4 + c] + bias[r]) for r < rows, c < colBytes/4 (both multiples of 4);
   * bias 0 = none; `relu` only with a bias.
   */
  transpose(src: Ptr, dst: Ptr, rows: number, colBytes: number, srb: number, drq: number, bias: Ptr, relu: boolean): void;
  /** out = dy where y > 0, else +0, over `bytes` bytes (a multiple of 16). */
  relugrad(dy: Ptr, y: Ptr, out: Ptr, bytes: number): void;
  /** 2x2 max-pool backward (see the function's comment); c a multiple of 4, h and w even. */
  maxpoolgrad(x: Ptr, dy: Ptr, out: Ptr, pairRows: number, ow: number, cBytes: number, rowBytes: number): void;
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
  const updates: SimdUpdates = {
    adam: pick('adam', 2),
    momentum: pick('momentum', 2),
    sgd: pick('sgd', 2),
    colsum: e.colsum,
    transpose: (src, dst, rows, colBytes, srb, drq, bias, relu) =>
      (bias === 0 ? e.transpose : relu ? e.transpose_bias_relu : e.transpose_bias)(src, dst, rows, colBytes, srb, drq, bias),
    relugrad: e.relugrad,
    maxpoolgrad: e.maxpoolgrad,
  };
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
