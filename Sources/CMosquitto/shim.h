#ifndef SAMPLEMIND_CMOSQUITTO_SHIM_H
#define SAMPLEMIND_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#endif
