// N-API exports of the encode kernels added for issue 4 (cast_encode.h,
// encode_nf4_int8.h): castFromF32, nf4Quantize, nf4Absmax, int8MinMax,
// int8Quantize. Bad arguments throw a RangeError naming the call; kernels
// then never read or write past a buffer. Header-only and included by
// addon.cc alone: every .cc but addon.cc links without N-API (the arm64
// parity harness, test/kernels/arm64-compile.test.ts).
#pragma once
#include <napi.h>
#include "cast_encode.h"
#include "dispatch.h"
#include "encode_nf4_int8.h"

namespace th {
namespace {

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

// The element pointer and length of a typed array of `type` (SharedArrayBuffer views too).
template <typename T>
bool Typed(const Napi::Value& v, napi_typedarray_type type, T** data, int64_t* len) {
  if (!v.IsTypedArray()) return false;
  napi_typedarray_type t;
  size_t length = 0;
  void* ptr = nullptr;
  napi_value buffer;
  size_t offset = 0;
  if (napi_get_typedarray_info(v.Env(), v, &t, &length, &ptr, &buffer, &offset) != napi_ok) return false;
  if (t != type || (ptr == nullptr && length != 0)) return false;
  *data = static_cast<T*>(ptr);
  *len = (int64_t)length;
  return true;
}

// castFromF32(to: 0 f16 | 1 bf16 | 2 e4m3 | 3 e5m2, src: Float32Array, dst: Uint8Array) -> 0
Napi::Value CastFromF32(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const int64_t to = IntArg(info, 0);
  float* src; uint8_t* dst; int64_t ns, nd;
  if (to < 0 || to > 3 || !Typed(info[1], napi_float32_array, &src, &ns) || !Typed(info[2], napi_uint8_array, &dst, &nd))
    return Fail(env, "castFromF32(to: 0..3, src: Float32Array, dst: Uint8Array)");
  if (nd != ns * (to <= CAST_BF16 ? 2 : 1)) return Fail(env, "castFromF32: dst.byteLength must be src.length × the cast's bytes");
  cast_from_f32((int)to, src, dst, ns, active_level());
  return Napi::Number::New(env, 0);
}

bool Nf4Layout(int64_t n, int64_t bs, int64_t na, int64_t nc) {
  return bs >= 2 && bs % 2 == 0 && na == (n + bs - 1) / bs && nc == (n + 1) / 2;
}

// nf4Quantize(x: Float32Array, blockSize, absmax: Float32Array, codes: Uint8Array, computeAbsmax: boolean)
// -> 0 | 1 + index of the first NaN/Inf (only when computeAbsmax; otherwise absmax is used as given).
Napi::Value Nf4Quantize(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  float* x; float* absmax; uint8_t* codes; int64_t n, na, nc;
  const int64_t bs = IntArg(info, 1);
  if (!Typed(info[0], napi_float32_array, &x, &n) || !Typed(info[2], napi_float32_array, &absmax, &na) ||
      !Typed(info[3], napi_uint8_array, &codes, &nc) || !info[4].IsBoolean())
    return Fail(env, "nf4Quantize(x: Float32Array, blockSize, absmax: Float32Array, codes: Uint8Array, computeAbsmax: boolean)");
  if (!Nf4Layout(n, bs, na, nc)) return Fail(env, "nf4Quantize: absmax/codes/blockSize do not match x.length");
  if (info[4].As<Napi::Boolean>().Value()) return Napi::Number::New(env, (double)nf4_encode(x, n, bs, absmax, codes, active_level()));
  nf4_codes(x, n, bs, absmax, codes, active_level());
  return Napi::Number::New(env, 0);
}

// nf4Absmax(x: Float32Array, blockSize, absmax: Float32Array) -> 0 | 1 + index of the first NaN/Inf
Napi::Value Nf4Absmax(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  float* x; float* absmax; int64_t n, na;
  const int64_t bs = IntArg(info, 1);
  if (!Typed(info[0], napi_float32_array, &x, &n) || !Typed(info[2], napi_float32_array, &absmax, &na))
    return Fail(env, "nf4Absmax(x: Float32Array, blockSize, absmax: Float32Array)");
  if (!Nf4Layout(n, bs, na, (n + 1) / 2)) return Fail(env, "nf4Absmax: absmax/blockSize do not match x.length");
  return Napi::Number::New(env, (double)nf4_absmax(x, n, bs, absmax, active_level()));
}

// int8MinMax(x: Float32Array, run, mins: Float64Array, maxs: Float64Array) -> 0 | 1 + index of the first NaN/Inf.
// Element i is in group (i / run) % mins.length.
Napi::Value Int8MinMax(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  float* x; double* mins; double* maxs; int64_t n, nlo, nhi;
  const int64_t run = IntArg(info, 1);
  if (!Typed(info[0], napi_float32_array, &x, &n) || !Typed(info[2], napi_float64_array, &mins, &nlo) ||
      !Typed(info[3], napi_float64_array, &maxs, &nhi))
    return Fail(env, "int8MinMax(x: Float32Array, run, mins: Float64Array, maxs: Float64Array)");
  if (run < 1 || nlo < 1 || nhi != nlo) return Fail(env, "int8MinMax: run must be >= 1 and mins/maxs the same non-zero length");
  return Napi::Number::New(env, (double)int8_min_max(x, n, run, nlo, mins, maxs, active_level()));
}

// int8Quantize(x: Float32Array, scales: Float32Array, zps: Int32Array | null, run, q: Int8Array) -> 0
Napi::Value Int8Quantize(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  float* x; float* scales; int32_t* zps = nullptr; int8_t* q; int64_t n, ns, nz = 0, nq;
  const int64_t run = IntArg(info, 3);
  if (!Typed(info[0], napi_float32_array, &x, &n) || !Typed(info[1], napi_float32_array, &scales, &ns) ||
      !(info[2].IsNull() || Typed(info[2], napi_int32_array, &zps, &nz)) || !Typed(info[4], napi_int8_array, &q, &nq))
    return Fail(env, "int8Quantize(x: Float32Array, scales: Float32Array, zps: Int32Array | null, run, q: Int8Array)");
  if (nq != n || run < 1 || ns < 1 || (zps && nz != ns))
    return Fail(env, "int8Quantize: q.length must be x.length, run >= 1, scales non-empty, zps.length = scales.length");
  int8_quantize(x, n, run, ns, scales, zps, q, active_level());
  return Napi::Number::New(env, 0);
}

}  // namespace

inline void register_encode_exports(Napi::Env env, Napi::Object exports) {
  exports.Set("castFromF32", Napi::Function::New(env, CastFromF32));
  exports.Set("nf4Quantize", Napi::Function::New(env, Nf4Quantize));
  exports.Set("nf4Absmax", Napi::Function::New(env, Nf4Absmax));
  exports.Set("int8MinMax", Napi::Function::New(env, Int8MinMax));
  exports.Set("int8Quantize", Napi::Function::New(env, Int8Quantize));
}

}  // namespace th
