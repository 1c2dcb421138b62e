#ifndef LEADGATE_CSQLITE_SHIM_H
#define LEADGATE_CSQLITE_SHIM_H
#include <sqlite3.h>

// sqlite3_config is variadic, which Swift cannot call. Memory statistics take a global
// mutex around every allocation SQLite makes; leadgate never reads them.
static inline int leadgate_sqlite3_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
