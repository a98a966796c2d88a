#ifndef SAMPLEMIND_CALSA_SHIM_H
#define SAMPLEMIND_CALSA_SHIM_H
#include <alsa/asoundlib.h>
#endif
