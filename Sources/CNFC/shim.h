#ifndef LEADGATE_CNFC_SHIM_H
#define LEADGATE_CNFC_SHIM_H
#include <nfc/nfc.h>
#endif
