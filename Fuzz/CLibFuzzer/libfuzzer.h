#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver, in the compiler-rt library that `-sanitize=fuzzer` links: reads the libFuzzer
/// flags and corpus folders in `argv` and calls `callback` with each input. The fuzz targets call it
/// from their own `main` because SwiftPM links every Swift executable's `main` to the module's
/// entry point, which leaves libFuzzer's own `main` out.
int LLVMFuzzerRunDriver(int *_Nonnull argc, char *_Nullable *_Nonnull *_Nonnull argv,
                        int (*_Nonnull callback)(const uint8_t *_Nullable data, size_t size));
