#ifndef SAMPLEMIND_CWEBSOCKETS_SHIM_H
#define SAMPLEMIND_CWEBSOCKETS_SHIM_H
#include <libwebsockets.h>

/// LWS_PRE is a macro expression Swift cannot import.
static inline size_t samplemind_lws_pre(void) { return LWS_PRE; }
#endif
