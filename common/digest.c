#include "digest.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "common/xalloc.h"

/* nettle names its functions sha256_* through macros; ours keep the names
 * (nettle over OpenSSL: the same speed with SHA-NI, and a millisecond less
 * of loading at every start) */
#undef sha256_init
#undef sha256_update
#undef sha256_digest

struct sha256 {
    struct sha256_ctx ctx;
};

struct sha256 *sha256_new(void)
{
    struct sha256 *h = xcalloc(1, sizeof(*h));
    nettle_sha256_init(&h->ctx);
    return h;
}

void sha256_update(struct sha256 *h, const void *data, size_t len)
{
    nettle_sha256_update(&h->ctx, len, data);
}

void sha256_final(struct sha256 *h, char out[DIGEST_STR_LEN + 1])
{
    uint8_t md[SHA256_DIGEST_SIZE];
    nettle_sha256_digest(&h->ctx, sizeof(md), md);
    memcpy(out, "sha256:", 7);
    for (unsigned i = 0; i < sizeof(md); i++)
        snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
    sha256_free(h);
}

void sha256_free(struct sha256 *h)
{
    free(h);
}

void sha256_freep(struct sha256 **h)
{
    sha256_free(*h);
}

void sha256_buf(const void *data, size_t len, char out[DIGEST_STR_LEN + 1])
{
    struct sha256 *h = sha256_new();
    sha256_update(h, data, len);
    sha256_final(h, out);
}

int sha256_fd(int fd, char out[DIGEST_STR_LEN + 1], struct error **err)
{
    struct sha256 *h = sha256_new();
    char buf[1 << 16];
    for (;;) {
        ssize_t r = read(fd, buf, sizeof(buf));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            sha256_free(h);
            return error_set(err, errno, "read");
        }
        if (r == 0)
            break;
        sha256_update(h, buf, (size_t)r);
    }
    sha256_final(h, out);
    return 0;
}

bool digest_is_valid(const char *digest)
{
    if (digest == NULL || strncmp(digest, "sha256:", 7) != 0 || strlen(digest) != DIGEST_STR_LEN)
        return false;
    return strspn(digest + 7, "0123456789abcdef") == DIGEST_HEX_LEN;
}

const char *digest_hex(const char *digest)
{
    return digest + 7;
}
