#ifndef SAMPLEMIND_CFFTW_SHIM_H
#define SAMPLEMIND_CFFTW_SHIM_H
#include <fftw3.h>

/// fftwf_version is an array of unknown size, which Swift cannot import.
static inline const char *samplemind_fftwf_version(void) { return fftwf_version; }
#endif
