/* hash: SHA-256 hex digests through libcrypto's EVP interface. */
#include "kasan/hash.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

void hash_sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) || n != 32) {
        fputs("kasan: SHA-256 failed\n", stderr);
        abort();
    }
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}
