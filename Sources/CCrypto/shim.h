#ifndef LEADGATE_CCRYPTO_SHIM_H
#define LEADGATE_CCRYPTO_SHIM_H
// OpenSSL's one-shot SHA-256 functions: the assembly behind them uses the CPU's SHA
// extensions where it has them. OpenSSL 3 marks them deprecated in favour of EVP, whose
// per-call context and provider lookup cost more than hashing one card.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#endif
