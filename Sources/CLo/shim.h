#ifndef SAMPLEMIND_CLO_SHIM_H
#define SAMPLEMIND_CLO_SHIM_H
#include <lo/lo.h>
#endif
