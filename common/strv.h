/* NULL-terminated string vectors: length, deep copy, append a copy, free. */
#ifndef COMMON_STRV_H
#define COMMON_STRV_H

#include <stddef.h>

size_t strv_len(char *const *v);
char **strv_copy(const char *const *v);
void strv_append(char ***v, const char *s);
void strv_free(char **v);

#endif
