/* ISA-L, loaded on first use (lazy.h): only inflating a gzip layer calls
 * it, and a host without it inflates through libarchive (zlib) instead. */
#include <isa-l/igzip_lib.h>

#include "imagetool/lazy/lazy.h"
#include "imagetool/lazy/libs.h"

static struct lazy_lib libisal = {"libisal.so.2", "libisal2", NULL};

bool libisal_available(void)
{
    return lazy_lib_available(&libisal);
}

LAZY_VOID(libisal, void, isal_inflate_init, (struct inflate_state *p0), (p0))
LAZY_VOID(libisal, void, isal_inflate_reset, (struct inflate_state *p0), (p0))
LAZY(libisal, int, isal_inflate, (struct inflate_state *p0), (p0))
