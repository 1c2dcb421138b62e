#ifndef LEADGATE_CLIBPQ_SHIM_H
#define LEADGATE_CLIBPQ_SHIM_H
#include <postgresql/libpq-fe.h>
#endif
