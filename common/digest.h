/* Streaming sha256 and "sha256:<hex>" digest strings. */
#ifndef COMMON_DIGEST_H
#define COMMON_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define DIGEST_HEX_LEN 64
#define DIGEST_STR_LEN (7 + DIGEST_HEX_LEN) /* "sha256:" + hex */

struct sha256;
struct sha256 *sha256_new(void);
void sha256_update(struct sha256 *h, const void *data, size_t len);
/* Writes "sha256:<hex>" (DIGEST_STR_LEN + 1 bytes) and frees h. */
void sha256_final(struct sha256 *h, char out[DIGEST_STR_LEN + 1]);
void sha256_free(struct sha256 *h);
void sha256_freep(struct sha256 **h);

void sha256_buf(const void *data, size_t len, char out[DIGEST_STR_LEN + 1]);
int sha256_fd(int fd, char out[DIGEST_STR_LEN + 1], struct error **err);

/* "sha256:" followed by 64 lowercase hex digits (the only algorithm we store). */
bool digest_is_valid(const char *digest);
/* The hex part of a valid digest. */
const char *digest_hex(const char *digest);

#endif
