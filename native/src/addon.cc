// N-API glue (node-addon-api, C++ exceptions off). Synchronous calls (and
// dequantizeAsync on the libuv pool); every
// length and shape is checked here as well as on the JS side, so no kernel
// reads or writes past a buffer even if called directly with bad arguments.
// Kernels report a bad stored scale as a status (1 + block index), which the
// JS side turns into the codec's FormatError.
#include <napi.h>
#include <cstdlib>
#include <functional>
#include <vector>
#include "async_job.h"
#include "dispatch.h"
#include "encode_napi.h"
#include "half_out.h"
#include "huffman.h"
#include "matvec_fused.h"
#include "planes.h"
#include "quant.h"
#include "sink512.h"

namespace {
using namespace th;

Napi::Value Fail(const Napi::Env& env, const char* msg) {
  Napi::RangeError::New(env, msg).ThrowAsJavaScriptException();
  return env.Undefined();
}

// Non-negative integer argument below 2^53, or -1.
int64_t IntArg(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsNumber()) return -1;
  const double v = info[i].As<Napi::Number>().DoubleValue();
  if (!(v >= 0 && v <= 9007199254740991.0) || v != (double)(int64_t)v) return -1;
  return (int64_t)v;
}

// The element pointer of a typed array of `type`. napi_get_typedarray_info
// works for views over SharedArrayBuffers too; Napi::ArrayBuffer::Data() does
// not (it returns null for a SharedArrayBuffer, which crashed the kernels).
template <typename T>
bool Typed(const Napi::Value& v, napi_typedarray_type type, T** data, int64_t* len) {
  if (!v.IsTypedArray()) return false;
  napi_typedarray_type t;
  size_t length = 0;
  void* ptr = nullptr;
  napi_value buffer;
  size_t offset = 0;
  if (napi_get_typedarray_info(v.Env(), v, &t, &length, &ptr, &buffer, &offset) != napi_ok) return false;
  if (t != type) return false;
  if (ptr == nullptr && length != 0) return false;
  *data = static_cast<T*>(ptr);
  *len = (int64_t)length;
  return true;
}

// Checked a·b (false on overflow past 2^62).
bool Mul(int64_t a, int64_t b, int64_t* out) {
  if (a != 0 && b > ((int64_t)1 << 62) / a) return false;
  *out = a * b;
  return true;
}

struct Geometry {
  int qk, bytes;
  DequantFn dq;
  MatvecFn mv;
};

bool GeometryOf(int kind, const KernelSet& k, Geometry* g) {
  switch (kind) {
    case K_Q8_0: *g = {QK32, Q8_0_BYTES, k.q8_0, k.mv_q8_0}; return true;
    case K_Q4_0: *g = {QK32, Q4_0_BYTES, k.q4_0, k.mv_q4_0}; return true;
    case K_Q4_1: *g = {QK32, Q4_1_BYTES, k.q4_1, nullptr}; return true;
    case K_Q5_0: *g = {QK32, Q5_0_BYTES, k.q5_0, nullptr}; return true;
    case K_Q5_1: *g = {QK32, Q5_1_BYTES, k.q5_1, nullptr}; return true;
    case K_Q4_K: *g = {QK_K, Q4_K_BYTES, k.q4_k, k.mv_q4_k}; return true;
    case K_Q6_K: *g = {QK_K, Q6_K_BYTES, k.q6_k, nullptr}; return true;
    default: return false;
  }
}

Napi::Value Levels(const Napi::CallbackInfo& info) {
  Napi::Array out = Napi::Array::New(info.Env());
  uint32_t n = 0;
  for (int l = 0; l < kLevelCount; l++)
    if (level_supported(l)) out.Set(n++, Napi::String::New(info.Env(), kLevelNames[l]));
  return out;
}

Napi::Value Level(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), kLevelNames[active_level()]);
}

Napi::Value SetLevel(const Napi::CallbackInfo& info) {
  if (!info[0].IsString()) return Fail(info.Env(), "setLevel(name): name must be a string");
  const int l = level_by_name(info[0].As<Napi::String>().Utf8Value().c_str());
  if (l < 0) return Fail(info.Env(), "setLevel(name): name must be one of scalar, neon, avx2, avx512");
  return Napi::Boolean::New(info.Env(), set_level(l));
}

// Validates dequantize(kind, src, dst) arguments into a job; throws and
// returns false on bad ones. The kernel is picked now (the level in force
// at the call), and the job touches only the two typed arrays.
bool DequantJob(const Napi::CallbackInfo& info, std::function<int64_t()>* job) {
  const Napi::Env env = info.Env();
  const int64_t kind = IntArg(info, 0);
  uint8_t* src; float* dst; int64_t ns, nd;
  if (!Typed(info[1], napi_uint8_array, &src, &ns) || !Typed(info[2], napi_float32_array, &dst, &nd))
    return Fail(env, "dequantize(kind, src: Uint8Array, dst: Float32Array)"), false;
  const KernelSet& k = active();
  if (kind == K_F16 || kind == K_BF16) {
    if (ns != 2 * nd) return Fail(env, "dequantize: a 16-bit cast needs src.byteLength == 2 * dst.length"), false;
    const CastFn fn = kind == K_F16 ? k.f16 : k.bf16;
    *job = [=] { return fn(src, dst, nd), (int64_t)0; };
    return true;
  }
  Geometry g;
  if (!GeometryOf((int)kind, k, &g)) return Fail(env, "dequantize: unknown kind"), false;
  const int64_t nb = nd / g.qk;
  if (nd % g.qk != 0 || ns != nb * g.bytes)
    return Fail(env, "dequantize: src/dst lengths are not whole blocks of each other"), false;
  const DequantFn fn = g.dq;
  *job = [=] { return fn(src, dst, nb); };
  return true;
}

// dequantize(kind, src: Uint8Array, dst: Float32Array) -> 0 | 1 + bad block
Napi::Value Dequantize(const Napi::CallbackInfo& info) {
  std::function<int64_t()> job;
  if (!DequantJob(info, &job)) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), (double)job());
}

// dequantizeAsync(kind, src, dst) -> Promise<0 | 1 + bad block>, on the libuv pool.
Napi::Value DequantizeAsync(const Napi::CallbackInfo& info) {
  std::function<int64_t()> job;
  if (!DequantJob(info, &job)) return info.Env().Undefined();
  return AsyncJob::Start(info.Env(), std::move(job), {info[1], info[2]});
}

// dequantizeHalf(kind, src: Uint8Array, dst: Uint16Array, bf16: boolean) -> 0 | 1 + bad block.
// Decodes a GGML tensor straight to f16 (bf16 = false) or bf16 bits.
Napi::Value DequantizeHalf(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const int64_t kind = IntArg(info, 0);
  uint8_t* src; uint16_t* dst; int64_t ns, nd;
  if (!Typed(info[1], napi_uint8_array, &src, &ns) || !Typed(info[2], napi_uint16_array, &dst, &nd) ||
      !info[3].IsBoolean())
    return Fail(env, "dequantizeHalf(kind, src: Uint8Array, dst: Uint16Array, bf16: boolean)");
  const KernelSet& k = active();
  Geometry g;
  if (!GeometryOf((int)kind, k, &g)) return Fail(env, "dequantizeHalf: unknown kind");
  const int64_t nb = nd / g.qk;
  if (nd % g.qk != 0 || ns != nb * g.bytes)
    return Fail(env, "dequantizeHalf: src/dst lengths are not whole blocks of each other");
  const NarrowFn nw = narrow_fn(active_level(), info[3].As<Napi::Boolean>().Value());
  return Napi::Number::New(env, (double)dequant_half(g.dq, g.qk, g.bytes, src, dst, nb, nw));
}

// Checks an NF4 layout: n elements, bs even, absmax one per block, codes ceil(n/2) bytes.
bool Nf4Ok(int64_t n, int64_t bs, int64_t nAbs, int64_t nCodes) {
  return bs >= 2 && bs % 2 == 0 && nAbs == (n + bs - 1) / bs && nCodes == (n + 1) / 2;
}

// nf4Dequantize(codes: Uint8Array, absmax: Float32Array, blockSize, dst: Float32Array)
Napi::Value Nf4Dequantize(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  uint8_t* codes; float* absmax; float* dst; int64_t nc, na, nd;
  const int64_t bs = IntArg(info, 2);
  if (!Typed(info[0], napi_uint8_array, &codes, &nc) || !Typed(info[1], napi_float32_array, &absmax, &na) ||
      !Typed(info[3], napi_float32_array, &dst, &nd))
    return Fail(env, "nf4Dequantize(codes: Uint8Array, absmax: Float32Array, blockSize, dst: Float32Array)");
  if (!Nf4Ok(nd, bs, na, nc)) return Fail(env, "nf4Dequantize: codes/absmax/blockSize do not match dst.length");
  active().nf4(codes, absmax, bs, dst, nd);
  return Napi::Number::New(env, 0);
}

// nf4DequantizeHalf(codes, absmax: Float32Array, blockSize, dst: Uint16Array, bf16: boolean)
Napi::Value Nf4DequantizeHalf(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  uint8_t* codes; float* absmax; uint16_t* dst; int64_t nc, na, nd;
  const int64_t bs = IntArg(info, 2);
  if (!Typed(info[0], napi_uint8_array, &codes, &nc) || !Typed(info[1], napi_float32_array, &absmax, &na) ||
      !Typed(info[3], napi_uint16_array, &dst, &nd) || !info[4].IsBoolean())
    return Fail(env, "nf4DequantizeHalf(codes: Uint8Array, absmax: Float32Array, blockSize, dst: Uint16Array, bf16: boolean)");
  if (!Nf4Ok(nd, bs, na, nc)) return Fail(env, "nf4DequantizeHalf: codes/absmax/blockSize do not match dst.length");
  nf4_half(active().nf4, codes, absmax, bs, dst, nd, narrow_fn(active_level(), info[4].As<Napi::Boolean>().Value()));
  return Napi::Number::New(env, 0);
}

// matmul(kind, w: Uint8Array, rows, cols, x: Float32Array, y: Float32Array, batch, act8)
// -> 0 | 1 + bad block. x is batch × cols, y is batch × rows (row-major).
// act8: quantize activations to 8 bits per 32-block and use integer dots
// (falls back to f32 activations when x holds NaN/Inf).
Napi::Value Matmul(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const int64_t kind = IntArg(info, 0), rows = IntArg(info, 2), cols = IntArg(info, 3), batch = IntArg(info, 6);
  uint8_t* w; float* x; float* y; int64_t nw, nx, ny;
  if (!Typed(info[1], napi_uint8_array, &w, &nw) || !Typed(info[4], napi_float32_array, &x, &nx) ||
      !Typed(info[5], napi_float32_array, &y, &ny) || rows < 0 || cols < 0 || batch < 1 || !info[7].IsBoolean())
    return Fail(env, "matmul(kind, w: Uint8Array, rows, cols, x: Float32Array, y: Float32Array, batch >= 1, act8: boolean)");
  const KernelSet& k = active();
  Geometry g;
  if (!GeometryOf((int)kind, k, &g) || g.mv == nullptr) return Fail(env, "matmul: no fused kernel for this kind");
  int64_t want, xs, ys;
  if (cols % g.qk != 0 || !Mul(batch, cols, &xs) || nx != xs || !Mul(batch, rows, &ys) || ny != ys ||
      !Mul(rows, (cols / g.qk) * g.bytes, &want) || nw != want)
    return Fail(env, "matmul: w/x/y lengths do not match rows × cols × batch");
  const int64_t nbr = cols / g.qk;
  if (info[7].As<Napi::Boolean>().Value() && rows > 0 && cols > 0) {
    const MatmulQ8Fn mq = kind == K_Q8_0 ? k.mq_q8_0 : kind == K_Q4_0 ? k.mq_q4_0 : k.mq_q4_k;
    const int64_t nb32 = cols / QK32;
    std::vector<int8_t> q((size_t)xs);
    std::vector<float> d((size_t)(batch * nb32)), ds((size_t)(batch * nb32));
    std::vector<int32_t> sums((size_t)(batch * nb32));
    std::vector<ActQ8> acts((size_t)batch);
    bool ok = true;
    for (int64_t j = 0; j < batch && ok; j++) {
      const int64_t o = j * nb32;
      // Q4_K: Q8_K-style activations (one scale per 256; matvec_fused.h).
      ok = kind == K_Q4_K ? quantize_act_q8k(x + j * cols, cols / QK_K, q.data() + j * cols, d.data() + o, sums.data() + o)
                          : quantize_act_q8(x + j * cols, nb32, q.data() + j * cols, d.data() + o, sums.data() + o, ds.data() + o);
      acts[j] = {q.data() + j * cols, d.data() + o, sums.data() + o, ds.data() + o};
    }
    if (ok) return Napi::Number::New(env, (double)mq(w, rows, nbr, acts.data(), batch, y));
  }
  for (int64_t j = 0; j < batch; j++) {
    const int64_t st = g.mv(w, rows, nbr, x + j * cols, y + j * rows);
    if (st != 0) return Napi::Number::New(env, (double)st);
  }
  return Napi::Number::New(env, 0);
}

// nf4Matvec(codes, absmax, blockSize, rows, cols, x, y, batch[, act8]); cols even;
// x is batch × cols, y batch × rows. f32 activations unless act8.
Napi::Value Nf4Matvec(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const int64_t bs = IntArg(info, 2), rows = IntArg(info, 3), cols = IntArg(info, 4), batch = IntArg(info, 7);
  uint8_t* codes; float* absmax; float* x; float* y; int64_t nc, na, nx, ny, n, xs, ys;
  if (!Typed(info[0], napi_uint8_array, &codes, &nc) || !Typed(info[1], napi_float32_array, &absmax, &na) ||
      !Typed(info[5], napi_float32_array, &x, &nx) || !Typed(info[6], napi_float32_array, &y, &ny) || rows < 0 ||
      cols < 0 || batch < 1)
    return Fail(env, "nf4Matvec(codes, absmax, blockSize, rows, cols, x: Float32Array, y: Float32Array)");
  if (cols % 2 != 0 || !Mul(batch, cols, &xs) || nx != xs || !Mul(batch, rows, &ys) || ny != ys ||
      !Mul(rows, cols, &n) || !Nf4Ok(n, bs, na, nc))
    return Fail(env, "nf4Matvec: codes/absmax/x/y do not match rows × cols × batch (cols must be even)");
  // Optional act8 (info[8]): 8-bit activations and the int8 codebook
  // (matvec_fused.h) when cols and blockSize are multiples of 64 and x is finite.
  if (info.Length() > 8 && info[8].IsBoolean() && info[8].As<Napi::Boolean>().Value() && cols % 64 == 0 &&
      bs % 64 == 0 && rows > 0 && cols > 0) {
    const int64_t nb32 = cols / QK32;
    std::vector<int8_t> q((size_t)xs);
    std::vector<float> d((size_t)(batch * nb32)), ds((size_t)(batch * nb32));
    std::vector<int32_t> sums((size_t)(batch * nb32));
    std::vector<ActQ8> acts((size_t)batch);
    bool ok = true;
    for (int64_t j = 0; j < batch && ok; j++) {
      const int64_t o = j * nb32;
      ok = quantize_act_q8(x + j * cols, nb32, q.data() + j * cols, d.data() + o, sums.data() + o, ds.data() + o);
      acts[j] = {q.data() + j * cols, d.data() + o, sums.data() + o, ds.data() + o};
    }
    if (ok) {
      nf4_q8_kernel(active_level())(codes, absmax, bs, rows, cols, acts.data(), batch, y);
      return Napi::Number::New(env, 0);
    }
  }
  const Nf4MatvecFn mv = active().mv_nf4;
  for (int64_t j = 0; j < batch; j++) mv(codes, absmax, bs, rows, cols, x + j * cols, y + j * rows);
  return Napi::Number::New(env, 0);
}

// quantize(kind, src: Float32Array, dst: Uint8Array) -> 0 | 1 + bad block
Napi::Value Quantize(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const int64_t kind = IntArg(info, 0);
  float* src; uint8_t* dst; int64_t ns, nd;
  if (!Typed(info[1], napi_float32_array, &src, &ns) || !Typed(info[2], napi_uint8_array, &dst, &nd))
    return Fail(env, "quantize(kind, src: Float32Array, dst: Uint8Array)");
  Geometry g;
  // Quantizers are picked per level by quant_kernel (native/src/quant.h), not from the decode tables.
  const QuantFn qz = GeometryOf((int)kind, active(), &g) ? quant_kernel((int)kind, active_level()) : nullptr;
  if (qz == nullptr) return Fail(env, "quantize: no kernel for this kind");
  const int64_t nb = ns / g.qk;
  if (ns % g.qk != 0 || nd != nb * g.bytes) return Fail(env, "quantize: src/dst lengths are not whole blocks of each other");
  return Napi::Number::New(env, (double)qz(src, dst, nb));
}

// int8Dequantize(q: Int8Array, scales: Float32Array, zps: Int32Array | null, run, dst: Float32Array)
// Element i of dst is in group (i / run) % scales.length.
Napi::Value Int8Dequantize(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  int8_t* q; float* scales; int32_t* zps = nullptr; float* dst; int64_t nq, ns, nz = 0, nd;
  const int64_t run = IntArg(info, 3);
  if (!Typed(info[0], napi_int8_array, &q, &nq) || !Typed(info[1], napi_float32_array, &scales, &ns) ||
      !(info[2].IsNull() || Typed(info[2], napi_int32_array, &zps, &nz)) || !Typed(info[4], napi_float32_array, &dst, &nd))
    return Fail(env, "int8Dequantize(q: Int8Array, scales: Float32Array, zps: Int32Array | null, run, dst: Float32Array)");
  if (nq != nd || run < 1 || ns < 1 || (zps && nz != ns))
    return Fail(env, "int8Dequantize: q/dst lengths differ, run < 1, no scales, or zps.length != scales.length");
  active().int8(q, scales, zps, run, ns, dst, nd);
  return Napi::Number::New(env, 0);
}

// lutDequantize(src: Uint8Array, table: Float32Array(256), dst: Float32Array)
Napi::Value LutDequantize(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  uint8_t* src; float* table; float* dst; int64_t ns, nt, nd;
  if (!Typed(info[0], napi_uint8_array, &src, &ns) || !Typed(info[1], napi_float32_array, &table, &nt) ||
      !Typed(info[2], napi_float32_array, &dst, &nd) || nt != 256 || ns != nd)
    return Fail(env, "lutDequantize(src: Uint8Array, table: Float32Array(256), dst: Float32Array of src.length)");
  active().lut(src, table, dst, nd);
  return Napi::Number::New(env, 0);
}

// setNtThreshold(bytes) -> previous: AVX-512 decodes whose f32 output is
// larger than this use non-temporal stores (default: the LLC size). For tests.
Napi::Value SetNtThreshold(const Napi::CallbackInfo& info) {
  const int64_t bytes = IntArg(info, 0);
  if (bytes < 0) return Fail(info.Env(), "setNtThreshold(bytes): bytes must be a non-negative integer");
#if defined(TH_X86)
  return Napi::Number::New(info.Env(), (double)avx512::set_nt_threshold((size_t)bytes));
#else
  return Napi::Number::New(info.Env(), 0);
#endif
}

// huffmanDecode(stream: Uint8Array, table: Uint16Array(4096), out: Uint8Array)
// -> bits consumed, or -(i + 1) when symbol i is invalid or runs out.
Napi::Value HuffmanDecode(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  uint8_t* stream; uint16_t* table; uint8_t* out; int64_t ns, nt, no;
  if (!Typed(info[0], napi_uint8_array, &stream, &ns) || !Typed(info[1], napi_uint16_array, &table, &nt) ||
      !Typed(info[2], napi_uint8_array, &out, &no) || nt != kHuffTable)
    return Fail(env, "huffmanDecode(stream: Uint8Array, table: Uint16Array(4096), out: Uint8Array)");
  if (!huffman_table_ok(table)) return Fail(env, "huffmanDecode: a table entry has a code length outside 1..12");
  return Napi::Number::New(env, (double)huffman_decode(stream, ns, table, out, no));
}

// planesMerge(planes: (Uint8Array | number)[], rotate: boolean, out: Uint8Array)
// -> 0: out (n·P bytes, P = planes.length 1..8) from P planes of n bytes or
// constant byte values; rotate (P 2 or 4) undoes the sign rotation.
Napi::Value PlanesMerge(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const char* usage = "planesMerge(planes: (Uint8Array(n) | 0..255)[1..8], rotate: boolean (P 2 or 4), out: Uint8Array(n·P))";
  uint8_t* out; int64_t no;
  if (!info[0].IsArray() || !info[1].IsBoolean() || !Typed(info[2], napi_uint8_array, &out, &no)) return Fail(env, usage);
  const Napi::Array arr = info[0].As<Napi::Array>();
  const int64_t P = (int64_t)arr.Length();
  const bool rotate = info[1].As<Napi::Boolean>().Value();
  if (P < 1 || P > kMaxPlanes || no % P != 0 || (rotate && P != 2 && P != 4)) return Fail(env, usage);
  const int64_t n = no / P;
  PlaneSource src[kMaxPlanes];
  for (int64_t k = 0; k < P; k++) {
    const Napi::Value v = arr.Get((uint32_t)k);
    uint8_t* data; int64_t len;
    if (v.IsNumber()) {
      const double x = v.As<Napi::Number>().DoubleValue();
      if (!(x >= 0 && x <= 255) || x != (double)(int)x) return Fail(env, usage);
      src[k] = {nullptr, (uint8_t)x};
    } else if (Typed(v, napi_uint8_array, &data, &len) && len == n) {
      src[k] = {data, 0};
    } else {
      return Fail(env, usage);
    }
  }
  planes_merge(src, (int)P, rotate, n, out);
  return Napi::Number::New(env, 0);
}

// planesSplit(src: Uint8Array, P: 1..8, rotate: boolean (P 2 or 4), planes: Uint8Array(src.length)) -> 0
Napi::Value PlanesSplit(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  uint8_t* src; uint8_t* planes; int64_t ns, np;
  const int64_t P = IntArg(info, 1);
  if (!Typed(info[0], napi_uint8_array, &src, &ns) || P < 1 || P > kMaxPlanes || !info[2].IsBoolean() ||
      !Typed(info[3], napi_uint8_array, &planes, &np) || np != ns || ns % P != 0)
    return Fail(env, "planesSplit(src: Uint8Array, P: 1..8, rotate: boolean (P 2 or 4), planes: Uint8Array(src.length))");
  const bool rotate = info[2].As<Napi::Boolean>().Value();
  if (rotate && P != 2 && P != 4) return Fail(env, "planesSplit: rotate needs P = 2 or 4");
  planes_split(src, ns / P, (int)P, rotate, planes);
  return Napi::Number::New(env, 0);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("levels", Napi::Function::New(env, Levels));
  exports.Set("level", Napi::Function::New(env, Level));
  exports.Set("setLevel", Napi::Function::New(env, SetLevel));
  exports.Set("dequantize", Napi::Function::New(env, Dequantize));
  exports.Set("dequantizeAsync", Napi::Function::New(env, DequantizeAsync));
  exports.Set("nf4Dequantize", Napi::Function::New(env, Nf4Dequantize));
  exports.Set("dequantizeHalf", Napi::Function::New(env, DequantizeHalf));
  exports.Set("nf4DequantizeHalf", Napi::Function::New(env, Nf4DequantizeHalf));
  exports.Set("matmul", Napi::Function::New(env, Matmul));
  exports.Set("nf4Matvec", Napi::Function::New(env, Nf4Matvec));
  exports.Set("int8Dequantize", Napi::Function::New(env, Int8Dequantize));
  exports.Set("lutDequantize", Napi::Function::New(env, LutDequantize));
  exports.Set("quantize", Napi::Function::New(env, Quantize));
  exports.Set("setNtThreshold", Napi::Function::New(env, SetNtThreshold));
  exports.Set("huffmanDecode", Napi::Function::New(env, HuffmanDecode));
  exports.Set("planesMerge", Napi::Function::New(env, PlanesMerge));
  exports.Set("planesSplit", Napi::Function::New(env, PlanesSplit));
  register_encode_exports(env, exports);  // castFromF32, nf4Quantize, nf4Absmax, int8MinMax, int8Quantize
  const char* req = std::getenv("TENSORHIVE_SIMD");
  exports.Set("requestedLevel", req && *req ? Napi::Value(Napi::String::New(env, req)) : env.Null());
  return exports;
}

}  // namespace

NODE_API_MODULE(tensorhive_native, Init)
