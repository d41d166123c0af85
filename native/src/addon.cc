// N-API glue (node-addon-api, C++ exceptions off). Synchronous calls; every
// length and shape is checked here as well as on the JS side, so no kernel
// reads or writes past a buffer even if called directly with bad arguments.
// Kernels report a bad stored scale as a status (1 + block index), which the
// JS side turns into the codec's FormatError.
#include <napi.h>
#include <cstdlib>
#include "dispatch.h"

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

template <typename T>
bool Typed(const Napi::Value& v, napi_typedarray_type type, T** data, int64_t* len) {
  if (!v.IsTypedArray()) return false;
  Napi::TypedArray ta = v.As<Napi::TypedArray>();
  if (ta.TypedArrayType() != type) return false;
  *data = reinterpret_cast<T*>(static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset());
  *len = (int64_t)ta.ElementLength();
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
  QuantFn qz;
};

bool GeometryOf(int kind, const KernelSet& k, Geometry* g) {
  switch (kind) {
    case K_Q8_0: *g = {QK32, Q8_0_BYTES, k.q8_0, k.mv_q8_0, k.qz_q8_0}; return true;
    case K_Q4_0: *g = {QK32, Q4_0_BYTES, k.q4_0, k.mv_q4_0, k.qz_q4_0}; return true;
    case K_Q4_1: *g = {QK32, Q4_1_BYTES, k.q4_1, nullptr, nullptr}; return true;
    case K_Q5_0: *g = {QK32, Q5_0_BYTES, k.q5_0, nullptr, nullptr}; return true;
    case K_Q5_1: *g = {QK32, Q5_1_BYTES, k.q5_1, nullptr, nullptr}; return true;
    case K_Q4_K: *g = {QK_K, Q4_K_BYTES, k.q4_k, k.mv_q4_k, nullptr}; return true;
    case K_Q6_K: *g = {QK_K, Q6_K_BYTES, k.q6_k, nullptr, nullptr}; return true;
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

// dequantize(kind, src: Uint8Array, dst: Float32Array) -> 0 | 1 + bad block
Napi::Value Dequantize(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const int64_t kind = IntArg(info, 0);
  uint8_t* src; float* dst; int64_t ns, nd;
  if (!Typed(info[1], napi_uint8_array, &src, &ns) || !Typed(info[2], napi_float32_array, &dst, &nd))
    return Fail(env, "dequantize(kind, src: Uint8Array, dst: Float32Array)");
  const KernelSet& k = active();
  if (kind == K_F16 || kind == K_BF16) {
    if (ns != 2 * nd) return Fail(env, "dequantize: a 16-bit cast needs src.byteLength == 2 * dst.length");
    (kind == K_F16 ? k.f16 : k.bf16)(src, dst, nd);
    return Napi::Number::New(env, 0);
  }
  Geometry g;
  if (!GeometryOf((int)kind, k, &g)) return Fail(env, "dequantize: unknown kind");
  const int64_t nb = nd / g.qk;
  if (nd % g.qk != 0 || ns != nb * g.bytes) return Fail(env, "dequantize: src/dst lengths are not whole blocks of each other");
  return Napi::Number::New(env, (double)g.dq(src, dst, nb));
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

// matvec(kind, w: Uint8Array, rows, cols, x: Float32Array, y: Float32Array) -> 0 | 1 + bad block
Napi::Value Matvec(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const int64_t kind = IntArg(info, 0), rows = IntArg(info, 2), cols = IntArg(info, 3);
  uint8_t* w; float* x; float* y; int64_t nw, nx, ny;
  if (!Typed(info[1], napi_uint8_array, &w, &nw) || !Typed(info[4], napi_float32_array, &x, &nx) ||
      !Typed(info[5], napi_float32_array, &y, &ny) || rows < 0 || cols < 0)
    return Fail(env, "matvec(kind, w: Uint8Array, rows, cols, x: Float32Array, y: Float32Array)");
  Geometry g;
  if (!GeometryOf((int)kind, active(), &g) || g.mv == nullptr) return Fail(env, "matvec: no fused kernel for this kind");
  int64_t want;
  if (cols % g.qk != 0 || nx != cols || ny != rows || !Mul(rows, (cols / g.qk) * g.bytes, &want) || nw != want)
    return Fail(env, "matvec: w/x/y lengths do not match rows × cols");
  return Napi::Number::New(env, (double)g.mv(w, rows, cols / g.qk, x, y));
}

// nf4Matvec(codes, absmax, blockSize, rows, cols, x, y); cols even.
Napi::Value Nf4Matvec(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const int64_t bs = IntArg(info, 2), rows = IntArg(info, 3), cols = IntArg(info, 4);
  uint8_t* codes; float* absmax; float* x; float* y; int64_t nc, na, nx, ny, n;
  if (!Typed(info[0], napi_uint8_array, &codes, &nc) || !Typed(info[1], napi_float32_array, &absmax, &na) ||
      !Typed(info[5], napi_float32_array, &x, &nx) || !Typed(info[6], napi_float32_array, &y, &ny) || rows < 0 ||
      cols < 0)
    return Fail(env, "nf4Matvec(codes, absmax, blockSize, rows, cols, x: Float32Array, y: Float32Array)");
  if (cols % 2 != 0 || nx != cols || ny != rows || !Mul(rows, cols, &n) || !Nf4Ok(n, bs, na, nc))
    return Fail(env, "nf4Matvec: codes/absmax/x/y do not match rows × cols (cols must be even)");
  active().mv_nf4(codes, absmax, bs, rows, cols, x, y);
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
  if (!GeometryOf((int)kind, active(), &g) || g.qz == nullptr) return Fail(env, "quantize: no kernel for this kind");
  const int64_t nb = ns / g.qk;
  if (ns % g.qk != 0 || nd != nb * g.bytes) return Fail(env, "quantize: src/dst lengths are not whole blocks of each other");
  return Napi::Number::New(env, (double)g.qz(src, dst, nb));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("levels", Napi::Function::New(env, Levels));
  exports.Set("level", Napi::Function::New(env, Level));
  exports.Set("setLevel", Napi::Function::New(env, SetLevel));
  exports.Set("dequantize", Napi::Function::New(env, Dequantize));
  exports.Set("nf4Dequantize", Napi::Function::New(env, Nf4Dequantize));
  exports.Set("matvec", Napi::Function::New(env, Matvec));
  exports.Set("nf4Matvec", Napi::Function::New(env, Nf4Matvec));
  exports.Set("quantize", Napi::Function::New(env, Quantize));
  const char* req = std::getenv("TENSORHIVE_SIMD");
  exports.Set("requestedLevel", req && *req ? Napi::Value(Napi::String::New(env, req)) : env.Null());
  return exports;
}

}  // namespace

NODE_API_MODULE(tensorhive_native, Init)
