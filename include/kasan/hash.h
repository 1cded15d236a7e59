/* hash: SHA-256 (OpenSSL libcrypto) as lowercase hex, for the files a run
 * used, the ledger's blobs and its event chain. */
#ifndef KASAN_HASH_H
#define KASAN_HASH_H
#include <stdbool.h>
#include <stddef.h>

#define SHA256_HEX_LEN 64

void hash_sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);

#endif
