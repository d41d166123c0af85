/**
 * A GPU lease: a Q4_0 weight matrix kept compressed in the hive is expanded on
 * the GPU (its 4.5-bit blocks uploaded, decoded there by a WGSL kernel), and
 * the service runs its own compute shader on the lease buffer — here y = W·x —
 * on the hive's device (`hive.gpuDevice()`, this thread's). Without a GPU
 * (no adapter, not even Mesa's llvmpipe) the lease falls back to the CPU
 * because it asks to (`fallback: 'cpu'`), and y is computed there.
 * Run: npx tsx examples/gpu-lease.ts
 */
import { Hive, Rng, Tensor } from 'tensorhive';

const ROWS = 64;
const COLS = 256;
const hive = await Hive.start({ tiers: { ram: '16MiB' }, workers: false });
try {
  const rng = new Rng(7);
  await hive.put('w', Tensor.fromF32(rng.normalArray(ROWS * COLS, 0.02), [ROWS, COLS]), { codec: 'q4_0' });
  const x = rng.normalArray(COLS, 1);

  // The reference: y from the values get() returns, in f32, summed in order.
  const w = (await hive.get('w'))!.toF32();
  const want = new Float32Array(ROWS);
  for (let r = 0; r < ROWS; r++) {
    let s = 0;
    for (let c = 0; c < COLS; c++) s = Math.fround(s + Math.fround(w[r * COLS + c] * x[c]));
    want[r] = s;
  }

  await using lease = await hive.acquire('w', { on: 'gpu', fallback: 'cpu' });
  let y: Float32Array;
  if (lease.on === 'gpu') {
    const { device } = await hive.gpuDevice();
    const module = device.createShaderModule({
      code: /* wgsl */ `
        @group(0) @binding(0) var<storage, read> w: array<f32>;
        @group(0) @binding(1) var<storage, read> x: array<f32>;
        @group(0) @binding(2) var<storage, read_write> y: array<f32>;
        @compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3<u32>) {
          if (g.x >= ${ROWS}u) { return; }
          var s = 0.0;
          for (var c = 0u; c < ${COLS}u; c++) { s += w[g.x * ${COLS}u + c] * x[c]; }
          y[g.x] = s;
        }`,
    });
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    const STORAGE = 0x80, COPY_SRC = 0x4, COPY_DST = 0x8, MAP_READ = 0x1;
    const xb = device.createBuffer({ size: COLS * 4, usage: STORAGE | COPY_DST });
    device.queue.writeBuffer(xb, 0, x);
    const yb = device.createBuffer({ size: ROWS * 4, usage: STORAGE | COPY_SRC });
    const staging = device.createBuffer({ size: ROWS * 4, usage: MAP_READ | COPY_DST });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: lease.buffer } }, { binding: 1, resource: { buffer: xb } }, { binding: 2, resource: { buffer: yb } }],
    }));
    pass.dispatchWorkgroups(Math.ceil(ROWS / 64));
    pass.end();
    enc.copyBufferToBuffer(yb, 0, staging, 0, ROWS * 4);
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(1);
    y = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    for (const b of [xb, yb, staging]) b.destroy();
    const g = (await hive.stats()).gpuLeases!;
    console.log(`GPU lease on ${(await hive.gpuDevice()).adapter}: ${g.uploadedCompressedBytes} compressed bytes uploaded for ${lease.byteLength} bytes of f32 weights`);
  } else {
    const t = lease.tensor.toF32();
    y = new Float32Array(ROWS);
    for (let r = 0; r < ROWS; r++) for (let c = 0; c < COLS; c++) y[r] = Math.fround(y[r] + Math.fround(t[r * COLS + c] * x[c]));
    console.log('no GPU device: the lease fell back to the CPU');
  }
  // The GPU may fuse multiply-adds: compare within a small tolerance, not bit for bit.
  for (let r = 0; r < ROWS; r++) {
    if (Math.abs(y[r] - want[r]) > 1e-5 * (1 + Math.abs(want[r]))) throw new Error(`y[${r}] = ${y[r]}, expected ${want[r]}`);
  }
  console.log(`y = W·x over ${ROWS} rows matches the CPU reference`);
} finally {
  await hive.stop();
}
