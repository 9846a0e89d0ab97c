/* NULL-terminated string vectors: length, membership, deep copy, append a
 * copy, free. */
#ifndef COMMON_STRV_H
#define COMMON_STRV_H

#include <stdbool.h>
#include <stddef.h>

size_t strv_len(char *const *v);
/* v (may be NULL) holds a string equal to s. */
bool strv_contains(char *const *v, const char *s);
char **strv_copy(const char *const *v);
void strv_append(char ***v, const char *s);
void strv_free(char **v);

#endif
