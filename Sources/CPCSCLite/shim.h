#ifndef LEADGATE_CPCSCLITE_SHIM_H
#define LEADGATE_CPCSCLITE_SHIM_H
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>
#include <PCSC/reader.h>
#endif
