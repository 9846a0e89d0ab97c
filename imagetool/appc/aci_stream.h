/* A tar reader over a decompressing reader (gzip, bzip2, xz, zstd or none,
 * from the magic bytes) that hashes the uncompressed bytes with sha512. */
#ifndef IMAGETOOL_APPC_ACI_STREAM_H
#define IMAGETOOL_APPC_ACI_STREAM_H

#include <stdint.h>

#include "common/error.h"
#include "imagetool/appc/manifest.h"

struct archive;
struct aci_stream;

int aci_stream_open(const char *file, struct aci_stream **out, struct error **err);
struct archive *aci_stream_tar(struct aci_stream *s);
/* Read to the end and give "sha512-<hex>" of everything uncompressed. */
int aci_stream_finish(struct aci_stream *s, char id[APPC_IMAGE_ID_LEN + 1], uint64_t *size, struct error **err);
void aci_stream_free(struct aci_stream *s);
void aci_stream_freep(struct aci_stream **s);
#define CLEANUP_ACI_STREAM CLEANUP(aci_stream_freep)

#endif
