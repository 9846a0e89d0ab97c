/* Libraries loaded on first use (dlopen). Every library linked the usual
 * way costs page faults at every start of the program (about half a
 * millisecond each on a virtual machine), though most commands never call
 * it: a second bundle of an image in the store reads no tar, inflates
 * nothing and writes no squashfs image. A wrapper file defines each function
 * the program calls with the library's own prototype, forwarding to the
 * library's (LAZY and LAZY_VOID below), so that a function missing there
 * fails the link, never the run. */
#ifndef IMAGETOOL_LAZY_LAZY_H
#define IMAGETOOL_LAZY_LAZY_H

#include <stdbool.h>
#include <stddef.h>

struct lazy_lib {
    const char *soname;
    const char *package; /* named in the error line when it cannot load */
    void *handle;
};

/* Whether the library loads (loading it if not yet done). */
bool lazy_lib_available(struct lazy_lib *lib);
/* The library's function called name; a library or function that cannot
 * be found ends the program with one line naming it and its package. */
void *lazy_lib_symbol(struct lazy_lib *lib, const char *name);

#define LAZY_FN(lib, ret, name, params)                                     \
    static ret(*real_##name) params;                                        \
    static ret(*fn_##name(void)) params                                     \
    {                                                                       \
        ret(*f) params = __atomic_load_n(&real_##name, __ATOMIC_ACQUIRE);  \
        if (f == NULL) {                                                    \
            f = (ret(*) params)lazy_lib_symbol(&(lib), #name);              \
            __atomic_store_n(&real_##name, f, __ATOMIC_RELEASE);            \
        }                                                                   \
        return f;                                                           \
    }

#define LAZY(lib, ret, name, params, args) \
    LAZY_FN(lib, ret, name, params)        \
    ret name params                        \
    {                                      \
        return fn_##name() args;           \
    }

#define LAZY_VOID(lib, ret, name, params, args) \
    LAZY_FN(lib, ret, name, params)             \
    ret name params                             \
    {                                           \
        fn_##name() args;                       \
    }

#endif
