#ifndef SAMPLEMIND_CALSA_SHIM_H
#define SAMPLEMIND_CALSA_SHIM_H
#include <alsa/asoundlib.h>

/// ALSA prints its own errors to stderr through a variadic handler, which Swift cannot write;
/// SampleMind reports ALSA errors itself, in words that say what to do, so it silences them.
static void samplemind_alsa_quiet_handler(const char *file, int line, const char *function, int error, const char *format, ...) {
    (void)file; (void)line; (void)function; (void)error; (void)format;
}

static inline void samplemind_alsa_silence_library_errors(void) {
    snd_lib_error_set_handler(samplemind_alsa_quiet_handler);
}
#endif
