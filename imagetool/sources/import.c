/* Naming and checking what a source imported. */
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "imagetool/sources/import.h"

int import_tag(struct store *s, const struct import_opts *o, const char *derived_name, const char *digest,
               const char *media_type, uint64_t size, struct imported *out, struct error **err)
{
    const char *name = o->name ? o->name : derived_name;
    if (store_tag(s, name, digest, media_type, size, err) < 0)
        return -1;
    memcpy(out->manifest_digest, digest, DIGEST_STR_LEN + 1);
    free(out->name);
    out->name = name ? store_name_normalise(name) : NULL;
    return 0;
}

char *oci_ref_store_name(const char *source_without_tag, const char *ref_name)
{
    if (strpbrk(ref_name, "/:@"))
        return xstrdup(ref_name);
    return xasprintf("%s:%s", source_without_tag, ref_name);
}

char *source_string(const char *transport, const char *path, const char *ref)
{
    CLEANUP_FREE char *abs = realpath(path, NULL);
    return xasprintf("%s:%s%s%s", transport, abs ? abs : path, ref ? ":" : "", ref ? ref : "");
}

int verify_blob(const struct descriptor *d, const char *buf, size_t len, struct error **err)
{
    char got[DIGEST_STR_LEN + 1];
    sha256_buf(buf, len, got);
    if (strcmp(got, d->digest) != 0)
        return error_setc(err, EXIT_INVALID, 0, "blob %s: digest mismatch, content has %s", d->digest, got);
    if (d->size && d->size != len)
        return error_setc(err, EXIT_INVALID, 0, "blob %s: %zu bytes, descriptor says %llu", d->digest, len,
                          (unsigned long long)d->size);
    return 0;
}
