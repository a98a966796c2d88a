#ifndef SAMPLEMIND_CEbur128_SHIM_H
#define SAMPLEMIND_CEbur128_SHIM_H
#include <ebur128.h>
#endif
