#include "digest.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "common/xalloc.h"

struct sha256 {
    EVP_MD_CTX *ctx;
};

struct sha256 *sha256_new(void)
{
    /* else OpenSSL reads openssl.cnf on first use: a millisecond and more
     * of every start, for settings sha256 never needs (once: it keeps count) */
    OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    struct sha256 *h = xcalloc(1, sizeof(*h));
    h->ctx = EVP_MD_CTX_new();
    if (h->ctx == NULL || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1)
        abort();
    return h;
}

void sha256_update(struct sha256 *h, const void *data, size_t len)
{
    EVP_DigestUpdate(h->ctx, data, len);
}

void sha256_final(struct sha256 *h, char out[DIGEST_STR_LEN + 1])
{
    unsigned char md[32];
    unsigned int n = 0;
    EVP_DigestFinal_ex(h->ctx, md, &n);
    memcpy(out, "sha256:", 7);
    for (unsigned i = 0; i < 32; i++)
        snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
    sha256_free(h);
}

void sha256_free(struct sha256 *h)
{
    if (h == NULL)
        return;
    EVP_MD_CTX_free(h->ctx);
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
