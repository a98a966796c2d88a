#include "samplemind_vector.h"

#include <math.h>
#include <stdatomic.h>
#include <stddef.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>

/// CPUID leaf 1: FMA (ECX 12), OSXSAVE (ECX 27) and AVX (ECX 28); XCR0 must enable the XMM and
/// YMM state (bits 1 and 2); leaf 7: AVX2 (EBX 5).
static bool detect(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    const unsigned needed = (1u << 12) | (1u << 27) | (1u << 28);
    if ((c & needed) != needed) return false;
    unsigned low, high;
    __asm__("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    if ((low & 6u) != 6u) return false;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    return (b & (1u << 5)) != 0;
}

bool samplemind_vector_has_avx2_fma(void) {
    // 0 unknown, 1 no, 2 yes; every thread that races here finds the same answer.
    static atomic_int known = 0;
    int value = atomic_load_explicit(&known, memory_order_relaxed);
    if (value == 0) {
        value = detect() ? 2 : 1;
        atomic_store_explicit(&known, value, memory_order_relaxed);
    }
    return value == 2;
}

/// Four rows at a time share each load of the vector; their four sums come out of one pair of
/// horizontal adds.
__attribute__((target("avx2,fma")))
void samplemind_vector_multiply_avx2_fma(const float *matrix, int rows, int columns, const float *vector,
                                         const float *bias, float *result) {
    const size_t n = (size_t)columns;
    int r = 0;
    for (; r + 4 <= rows; r += 4) {
        const float *m0 = matrix + (size_t)r * n, *m1 = m0 + n, *m2 = m1 + n, *m3 = m2 + n;
        __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
        size_t c = 0;
        for (; c + 8 <= n; c += 8) {
            const __m256 v = _mm256_loadu_ps(vector + c);
            s0 = _mm256_fmadd_ps(_mm256_loadu_ps(m0 + c), v, s0);
            s1 = _mm256_fmadd_ps(_mm256_loadu_ps(m1 + c), v, s1);
            s2 = _mm256_fmadd_ps(_mm256_loadu_ps(m2 + c), v, s2);
            s3 = _mm256_fmadd_ps(_mm256_loadu_ps(m3 + c), v, s3);
        }
        // [s0 s1 s2 s3] per 128-bit half after two horizontal adds; then the halves together.
        const __m256 pairs = _mm256_hadd_ps(_mm256_hadd_ps(s0, s1), _mm256_hadd_ps(s2, s3));
        __m128 sums = _mm_add_ps(_mm256_castps256_ps128(pairs), _mm256_extractf128_ps(pairs, 1));
        sums = _mm_add_ps(sums, _mm_loadu_ps(bias + r));
        float out[4];
        _mm_storeu_ps(out, sums);
        for (; c < n; c++) {
            const float v = vector[c];
            out[0] += m0[c] * v;
            out[1] += m1[c] * v;
            out[2] += m2[c] * v;
            out[3] += m3[c] * v;
        }
        result[r] = out[0];
        result[r + 1] = out[1];
        result[r + 2] = out[2];
        result[r + 3] = out[3];
    }
    for (; r < rows; r++) {
        const float *row = matrix + (size_t)r * n;
        __m256 s = _mm256_setzero_ps();
        size_t c = 0;
        for (; c + 8 <= n; c += 8) s = _mm256_fmadd_ps(_mm256_loadu_ps(row + c), _mm256_loadu_ps(vector + c), s);
        __m128 half = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
        half = _mm_hadd_ps(half, half);
        half = _mm_hadd_ps(half, half);
        float sum = bias[r] + _mm_cvtss_f32(half);
        for (; c < n; c++) sum += row[c] * vector[c];
        result[r] = sum;
    }
}

/// e^x, eight lanes: x = n·ln 2 + r with |r| ≤ ln 2 / 2, e^r by Cephes' degree-6 polynomial,
/// 2^n through the exponent bits. Inputs are clamped to where the result is a normal float.
__attribute__((target("avx2,fma")))
static inline __m256 exp8(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.3f));
    const __m256 n = _mm256_floor_ps(_mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f)));
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

/// 1 / (1 + e^−x).
__attribute__((target("avx2,fma")))
static inline __m256 logistic8(__m256 x) {
    const __m256 one = _mm256_set1_ps(1.0f);
    return _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}

/// tanh x = 1 − 2 / (e^2x + 1).
__attribute__((target("avx2,fma")))
static inline __m256 tanh8(__m256 x) {
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 e = exp8(_mm256_add_ps(x, x));
    return _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, one)));
}

__attribute__((target("avx2,fma")))
void samplemind_vector_gru_update_avx2_fma(const float *input_gates, const float *hidden_gates, float *state,
                                           int hidden) {
    const int h = hidden;
    int j = 0;
    for (; j + 8 <= h; j += 8) {
        const __m256 reset = logistic8(_mm256_add_ps(_mm256_loadu_ps(input_gates + j), _mm256_loadu_ps(hidden_gates + j)));
        const __m256 update =
            logistic8(_mm256_add_ps(_mm256_loadu_ps(input_gates + h + j), _mm256_loadu_ps(hidden_gates + h + j)));
        const __m256 candidate = tanh8(
            _mm256_fmadd_ps(reset, _mm256_loadu_ps(hidden_gates + 2 * h + j), _mm256_loadu_ps(input_gates + 2 * h + j)));
        const __m256 old = _mm256_loadu_ps(state + j);
        // (1 − z)·n + z·state = n + z·(state − n)
        _mm256_storeu_ps(state + j, _mm256_fmadd_ps(update, _mm256_sub_ps(old, candidate), candidate));
    }
    for (; j < h; j++) {
        const float reset = 1.0f / (1.0f + expf(-(input_gates[j] + hidden_gates[j])));
        const float update = 1.0f / (1.0f + expf(-(input_gates[h + j] + hidden_gates[h + j])));
        const float candidate = tanhf(input_gates[2 * h + j] + reset * hidden_gates[2 * h + j]);
        state[j] = (1.0f - update) * candidate + update * state[j];
    }
}

#else

bool samplemind_vector_has_avx2_fma(void) { return false; }

/// Never chosen here (the check above says no), but correct if called: the plain loops.
void samplemind_vector_multiply_avx2_fma(const float *matrix, int rows, int columns, const float *vector,
                                         const float *bias, float *result) {
    for (int r = 0; r < rows; r++) {
        float sum = bias[r];
        for (int c = 0; c < columns; c++) sum += matrix[(size_t)r * (size_t)columns + c] * vector[c];
        result[r] = sum;
    }
}

void samplemind_vector_gru_update_avx2_fma(const float *input_gates, const float *hidden_gates, float *state,
                                           int hidden) {
    const int h = hidden;
    for (int j = 0; j < h; j++) {
        const float reset = 1.0f / (1.0f + expf(-(input_gates[j] + hidden_gates[j])));
        const float update = 1.0f / (1.0f + expf(-(input_gates[h + j] + hidden_gates[h + j])));
        const float candidate = tanhf(input_gates[2 * h + j] + reset * hidden_gates[2 * h + j]);
        state[j] = (1.0f - update) * candidate + update * state[j];
    }
}

#endif
