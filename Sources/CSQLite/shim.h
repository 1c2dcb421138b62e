#ifndef LEADGATE_CSQLITE_SHIM_H
#define LEADGATE_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
