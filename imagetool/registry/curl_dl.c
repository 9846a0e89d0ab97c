/* The curl_* entry points imagetool uses, forwarded to a libcurl loaded on
 * first need (curl_dl.h). The variadic setters pass on the one argument
 * their option's type range says (curl.h: CURLOPTTYPE_*). */
#define CURL_DISABLE_TYPECHECK 1
#include "imagetool/registry/curl_dl.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>

#include "common/cleanup.h"
#include "common/log.h"

#define CURL_SONAME "libcurl.so.4"

/* X(return type, name, parameters): the forwarded functions, by kind. */
#define PLAIN_FUNCTIONS(X)                                                             \
    X(CURLcode, curl_global_init, (long flags))                                        \
    X(CURL *, curl_easy_init, (void))                                                  \
    X(CURLcode, curl_easy_perform, (CURL *h))                                          \
    X(const char *, curl_easy_strerror, (CURLcode c))                                  \
    X(char *, curl_easy_escape, (CURL *h, const char *s, int n))                       \
    X(struct curl_slist *, curl_slist_append, (struct curl_slist *l, const char *s))   \
    X(CURLSH *, curl_share_init, (void))                                               \
    X(CURLSHcode, curl_share_cleanup, (CURLSH *sh))                                    \
    X(CURLM *, curl_multi_init, (void))                                                \
    X(CURLMcode, curl_multi_cleanup, (CURLM *m))                                       \
    X(CURLMcode, curl_multi_add_handle, (CURLM *m, CURL *h))                           \
    X(CURLMcode, curl_multi_remove_handle, (CURLM *m, CURL *h))                        \
    X(CURLMcode, curl_multi_perform, (CURLM *m, int *running))                         \
    X(CURLMcode, curl_multi_poll, (CURLM *m, struct curl_waitfd *fds, unsigned n, int ms, int *numfds)) \
    X(CURLMsg *, curl_multi_info_read, (CURLM *m, int *left))                          \
    X(CURLU *, curl_url, (void))                                                       \
    X(CURLUcode, curl_url_set, (CURLU *u, CURLUPart what, const char *part, unsigned int flags)) \
    X(CURLUcode, curl_url_get, (CURLU *u, CURLUPart what, char **part, unsigned int flags))

#define VOID_FUNCTIONS(X)                                                              \
    X(void, curl_easy_cleanup, (CURL *h))                                              \
    X(void, curl_free, (void *p))                                                      \
    X(void, curl_slist_free_all, (struct curl_slist *l))                               \
    X(void, curl_url_cleanup, (CURLU *u))

#define VARIADIC_FUNCTIONS(X)                                                          \
    X(CURLcode, curl_easy_setopt, (CURL *h, CURLoption o, ...))                        \
    X(CURLcode, curl_easy_getinfo, (CURL *h, CURLINFO i, ...))                         \
    X(CURLSHcode, curl_share_setopt, (CURLSH *sh, CURLSHoption o, ...))

#define POINTER(ret, name, params) ret(*name) params;
static struct {
    PLAIN_FUNCTIONS(POINTER)
    VOID_FUNCTIONS(POINTER)
    VARIADIC_FUNCTIONS(POINTER)
} real;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *load_error;

#define RESOLVE(ret, name, params)                                   \
    if ((*(void **)&real.name = dlsym(lib, #name)) == NULL)          \
        return (void)(load_error = "symbol " #name " missing");
static void load(void)
{
    void *lib = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        load_error = dlerror();
        return;
    }
    PLAIN_FUNCTIONS(RESOLVE)
    VOID_FUNCTIONS(RESOLVE)
    VARIADIC_FUNCTIONS(RESOLVE)
    real.curl_global_init(CURL_GLOBAL_DEFAULT);
}

int curl_dl_load(struct error **err)
{
    pthread_once(&once, load);
    if (load_error)
        return error_setc(err, EXIT_FAIL, 0, "cannot load %s (package libcurl4): %s", CURL_SONAME, load_error);
    return 0;
}

/* Sessions call curl_dl_load first and report a failure as an error; a
 * helper used outside one (a URL parsed for a message) loads on demand. */
static void loaded(void)
{
    CLEANUP_ERROR struct error *err = NULL;
    if (curl_dl_load(&err) < 0)
        exit(log_error_exit(err));
}

#define ARGS_curl_global_init flags
#define ARGS_curl_easy_init
#define ARGS_curl_easy_cleanup h
#define ARGS_curl_easy_perform h
#define ARGS_curl_easy_strerror c
#define ARGS_curl_easy_escape h, s, n
#define ARGS_curl_free p
#define ARGS_curl_slist_append l, s
#define ARGS_curl_slist_free_all l
#define ARGS_curl_share_init
#define ARGS_curl_share_cleanup sh
#define ARGS_curl_multi_init
#define ARGS_curl_multi_cleanup m
#define ARGS_curl_multi_add_handle m, h
#define ARGS_curl_multi_remove_handle m, h
#define ARGS_curl_multi_perform m, running
#define ARGS_curl_multi_poll m, fds, n, ms, numfds
#define ARGS_curl_multi_info_read m, left
#define ARGS_curl_url
#define ARGS_curl_url_cleanup u
#define ARGS_curl_url_set u, what, part, flags
#define ARGS_curl_url_get u, what, part, flags
#define DEFINE(ret, name, params) \
    ret name params               \
    {                             \
        loaded();                 \
        return real.name(ARGS_##name); \
    }
#define DEFINE_VOID(ret, name, params) \
    ret name params                    \
    {                                  \
        loaded();                      \
        real.name(ARGS_##name);        \
    }
PLAIN_FUNCTIONS(DEFINE)
VOID_FUNCTIONS(DEFINE_VOID)

CURLcode curl_easy_setopt(CURL *h, CURLoption o, ...)
{
    loaded();
    va_list ap;
    va_start(ap, o);
    CURLcode rc;
    if (o < CURLOPTTYPE_OBJECTPOINT)
        rc = real.curl_easy_setopt(h, o, va_arg(ap, long));
    else if (o >= CURLOPTTYPE_FUNCTIONPOINT && o < CURLOPTTYPE_OFF_T)
        rc = real.curl_easy_setopt(h, o, va_arg(ap, void (*)(void)));
    else if (o >= CURLOPTTYPE_OFF_T && o < CURLOPTTYPE_BLOB)
        rc = real.curl_easy_setopt(h, o, va_arg(ap, curl_off_t));
    else
        rc = real.curl_easy_setopt(h, o, va_arg(ap, void *));
    va_end(ap);
    return rc;
}

CURLcode curl_easy_getinfo(CURL *h, CURLINFO i, ...)
{
    loaded();
    va_list ap;
    va_start(ap, i);
    CURLcode rc = real.curl_easy_getinfo(h, i, va_arg(ap, void *));
    va_end(ap);
    return rc;
}

CURLSHcode curl_share_setopt(CURLSH *sh, CURLSHoption o, ...)
{
    loaded();
    va_list ap;
    va_start(ap, o);
    CURLSHcode rc = o == CURLSHOPT_SHARE || o == CURLSHOPT_UNSHARE
                        ? real.curl_share_setopt(sh, o, va_arg(ap, int))
                        : real.curl_share_setopt(sh, o, va_arg(ap, void *));
    va_end(ap);
    return rc;
}
