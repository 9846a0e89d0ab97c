/* __attribute__((cleanup)) helpers for memory, fds, FILEs and directories. */
#ifndef COMMON_CLEANUP_H
#define COMMON_CLEANUP_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "error.h"

static inline void cleanup_freep(void *p)
{
    free(*(void **)p);
}
static inline void cleanup_closep(int *fd)
{
    if (*fd >= 0)
        close(*fd);
}
static inline void cleanup_fclosep(FILE **f)
{
    if (*f)
        fclose(*f);
}
static inline void cleanup_closedirp(DIR **d)
{
    if (*d)
        closedir(*d);
}
/* NULL-terminated array of strings */
static inline void cleanup_strvp(char ***v)
{
    if (*v) {
        for (char **s = *v; *s; s++)
            free(*s);
        free(*v);
    }
}

#define CLEANUP_FREE CLEANUP(cleanup_freep)
#define CLEANUP_CLOSE CLEANUP(cleanup_closep)
#define CLEANUP_FCLOSE CLEANUP(cleanup_fclosep)
#define CLEANUP_CLOSEDIR CLEANUP(cleanup_closedirp)
#define CLEANUP_STRV CLEANUP(cleanup_strvp)

/* Hand ownership out of a cleanup variable. */
#define TAKE_PTR(p) ({ __typeof__(p) _tmp = (p); (p) = NULL; _tmp; })
#define TAKE_FD(fd) ({ int _tmp = (fd); (fd) = -1; _tmp; })

#endif
