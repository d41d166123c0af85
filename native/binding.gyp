{
  # One portable -O3 build: SIMD kernels carry per-function target attributes
  # and are picked at load by CPU feature (src/dispatch.cc), so the binary
  # runs on any x86-64 (or arm64, where NEON is baseline).
  "targets": [
    {
      "target_name": "tensorhive_native",
      "sources": [
        "src/addon.cc",
        "src/dispatch.cc",
        "src/kernels_scalar.cc",
        "src/kernels_avx2.cc",
        "src/kernels_avx512.cc",
        "src/kernels_neon.cc",
        "src/matvec_scalar.cc",
        "src/matvec_avx2.cc",
        "src/matvec_nf4.cc",
        "src/matvec_q4_0_vbmi.cc",
        "src/quant_scalar.cc",
        "src/quant_avx2.cc",
        "src/quant_avx512.cc",
        "src/quant_k.cc",
        "src/act_q8.cc",
        "src/matmul_q8_avx2.cc",
        "src/matmul_q8_avx512.cc",
        "src/int8_kernels.cc",
        "src/half_out.cc",
        "src/huffman.cc",
        "src/huffman_chains.cc",
        "src/planes.cc",
        "src/planes_x86.cc",
        "src/quant_q4_1_q5.cc",
        "src/encode_nf4_int8.cc",
        "src/cast_encode.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS", "NAPI_VERSION=8"],
      "cflags!": ["-fno-exceptions", "-O2", "-O0"],
      "cflags_cc!": ["-fno-exceptions", "-O2", "-O0"],
      # -ffp-contract=off: no fused multiply-add unless a kernel asks for one,
      # so decode is bit-exact with the TS reference (x*d rounded, then + m).
      "cflags": ["-O3", "-ffp-contract=off", "-fno-strict-aliasing", "-Wno-maybe-uninitialized"],
      "cflags_cc": ["-O3", "-std=c++17", "-ffp-contract=off", "-fno-strict-aliasing", "-Wno-maybe-uninitialized"],
      "xcode_settings": {
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17", "-ffp-contract=off"]
      },
      "conditions": [
        ["OS=='win'", { "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/std:c++17", "/O2"] } } }]
      ]
    }
  ]
}
