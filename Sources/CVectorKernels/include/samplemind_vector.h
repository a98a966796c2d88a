// Matrix-vector products for the inference layers (SampleMindInference's VectorMath), with
// AVX2 and FMA where the processor has them. Compiled with per-function target attributes, so
// the binary still runs on any x86-64 (and elsewhere); VectorMath keeps the portable Swift SIMD
// path and uses this one only when samplemind_vector_has_avx2_fma() says so.
//
// Real-time safe: no allocation, locks or system calls.
#ifndef SAMPLEMIND_VECTOR_H
#define SAMPLEMIND_VECTOR_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Whether this processor (and the operating system, for the wide registers) supports AVX2 and
/// FMA. Checked once with CPUID and remembered.
bool samplemind_vector_has_avx2_fma(void);

/// result[r] = bias[r] + Σ_c matrix[r·columns + c] · vector[c], for a row-major `rows` × `columns`
/// matrix; no alignment needed. Call only when samplemind_vector_has_avx2_fma() is true.
void samplemind_vector_multiply_avx2_fma(const float *matrix, int rows, int columns, const float *vector,
                                         const float *bias, float *result);

/// A GRU's state update from its gate pre-activations (PyTorch's gate order r, z, n; each array
/// 3·hidden long): r = σ(i_r + h_r), z = σ(i_z + h_z), n = tanh(i_n + r·h_n),
/// state = (1 − z)·n + z·state. The exponential is a polynomial accurate to a few units in the
/// last place. Call only when samplemind_vector_has_avx2_fma() is true.
void samplemind_vector_gru_update_avx2_fma(const float *input_gates, const float *hidden_gates, float *state,
                                           int hidden);

#ifdef __cplusplus
}
#endif

#endif
