#ifndef LEADGATE_COPENSSL_SHIM_H
#define LEADGATE_COPENSSL_SHIM_H
// OpenSSL's TLS client, for SMTP's STARTTLS (owner notifications by email).
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

// SSL_set_tlsext_host_name is a macro over SSL_ctrl, which Swift cannot import: a function
// in its place. Delete it once Swift imports function-like macros.
static inline long leadgate_ssl_set_server_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}
#endif
