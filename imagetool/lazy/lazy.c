#include "imagetool/lazy/lazy.h"

#include <dlfcn.h>
#include <stdlib.h>

#include "common/cleanup.h"
#include "common/log.h"

static void *load(struct lazy_lib *lib, const char **why)
{
    void *h = __atomic_load_n(&lib->handle, __ATOMIC_ACQUIRE);
    if (h == NULL) {
        if ((h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
            *why = dlerror();
            return NULL;
        }
        __atomic_store_n(&lib->handle, h, __ATOMIC_RELEASE);
    }
    return h;
}

bool lazy_lib_available(struct lazy_lib *lib)
{
    const char *why;
    return load(lib, &why) != NULL;
}

/* Without the library nothing that needs it can go on: the one line, and out. */
static __attribute__((noreturn)) void cannot_load(const struct lazy_lib *lib, const char *why)
{
    CLEANUP_ERROR struct error *err = NULL;
    error_setc(&err, EXIT_FAIL, 0, "cannot load %s (package %s): %s", lib->soname, lib->package, why);
    exit(log_error_exit(err));
}

void *lazy_lib_symbol(struct lazy_lib *lib, const char *name)
{
    const char *why = NULL;
    void *h = load(lib, &why);
    if (h == NULL)
        cannot_load(lib, why);
    void *f = dlsym(h, name);
    if (f == NULL)
        cannot_load(lib, name);
    return f;
}
