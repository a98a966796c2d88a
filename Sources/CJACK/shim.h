#ifndef SAMPLEMIND_CJACK_SHIM_H
#define SAMPLEMIND_CJACK_SHIM_H
#include <jack/jack.h>
#include <jack/midiport.h>
#include <jack/ringbuffer.h>

/// jack_client_open is variadic, which Swift cannot call; this opens a client
/// with options only (no server name argument: JACK_DEFAULT_SERVER selects it).
static inline jack_client_t *samplemind_jack_client_open(const char *name,
                                                         jack_options_t options,
                                                         jack_status_t *status) {
    return jack_client_open(name, options, status);
}
#endif
