/* ISA-L inflate over a file descriptor, one gzip member after another. */
#include "imagetool/layer/gunzip.h"

#include <errno.h>
#include <isa-l/igzip_lib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xalloc.h"

#define IN_SIZE (1 << 20)

struct gunzip {
    int fd;
    struct inflate_state st;
    uint8_t *in;
    bool eof, done;
    const char *error;
};

bool gunzip_sniff(int fd)
{
    unsigned char magic[2];
    return pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

struct gunzip *gunzip_new(int fd)
{
    struct gunzip *g = xcalloc(1, sizeof(*g));
    g->fd = fd;
    g->in = xmalloc(IN_SIZE);
    isal_inflate_init(&g->st);
    g->st.crc_flag = ISAL_GZIP;
    return g;
}

static int refill(struct gunzip *g)
{
    if (g->st.avail_in > 0 || g->eof)
        return 0;
    ssize_t n;
    do
        n = read(g->fd, g->in, IN_SIZE);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        g->error = "read error";
        return -1;
    }
    g->eof = n == 0;
    g->st.next_in = g->in;
    g->st.avail_in = (uint32_t)n;
    return 0;
}

/* A member ended: another may follow (its magic); anything else after it
 * (zero padding) is ignored, as libarchive and gzip(1) ignore it. */
static void member_end(struct gunzip *g)
{
    if (refill(g) < 0)
        return;
    if (g->st.avail_in == 0 || g->st.next_in[0] != 0x1f) {
        g->done = true;
        return;
    }
    uint8_t *next = g->st.next_in;
    uint32_t avail = g->st.avail_in;
    isal_inflate_reset(&g->st);
    g->st.crc_flag = ISAL_GZIP;
    g->st.next_in = next;
    g->st.avail_in = avail;
}

ssize_t gunzip_read(struct gunzip *g, void *buf, size_t len)
{
    if (g->error)
        return -1;
    g->st.next_out = buf;
    g->st.avail_out = (uint32_t)len;
    while (g->st.avail_out > 0 && !g->done) {
        if (refill(g) < 0)
            return -1;
        if (g->st.avail_in == 0 && g->eof) {
            g->error = "truncated gzip input";
            return -1;
        }
        if (isal_inflate(&g->st) != ISAL_DECOMP_OK) {
            g->error = "corrupt gzip data";
            return -1;
        }
        if (g->st.block_state == ISAL_BLOCK_FINISH)
            member_end(g);
        if (g->error)
            return -1;
    }
    return (ssize_t)(len - g->st.avail_out);
}

const char *gunzip_error(const struct gunzip *g)
{
    return g->error;
}

void gunzip_free(struct gunzip *g)
{
    if (g == NULL)
        return;
    free(g->in);
    free(g);
}
