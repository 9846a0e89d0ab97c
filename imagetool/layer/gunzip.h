/* gzip decompression with ISA-L's inflate (igzip), several times faster
 * than zlib's: used for gzip layers; other compressions go through
 * libarchive. */
#ifndef IMAGETOOL_LAYER_GUNZIP_H
#define IMAGETOOL_LAYER_GUNZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct gunzip;

/* Whether the file at fd (read from offset 0) starts with gzip's magic. */
bool gunzip_sniff(int fd);
struct gunzip *gunzip_new(int fd);
/* Up to len decompressed bytes; 0 at the end of the last member; -1 on
 * corrupt or truncated input (gunzip_error says what). Members follow each
 * other as in gzip(1). */
ssize_t gunzip_read(struct gunzip *g, void *buf, size_t len);
const char *gunzip_error(const struct gunzip *g);
void gunzip_free(struct gunzip *g);

#endif
