#ifndef SAMPLEMIND_CSQLite_SHIM_H
#define SAMPLEMIND_CSQLite_SHIM_H
#include <sqlite3.h>
#endif
