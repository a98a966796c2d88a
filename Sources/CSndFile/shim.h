#ifndef SAMPLEMIND_CSndFile_SHIM_H
#define SAMPLEMIND_CSndFile_SHIM_H
#include <sndfile.h>
#endif
