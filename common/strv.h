/* NULL-terminated string vectors: length, membership, deep copy, append a
 * copy, join, free. */
#ifndef COMMON_STRV_H
#define COMMON_STRV_H

#include <stdbool.h>
#include <stddef.h>

size_t strv_len(char *const *v);
/* v (may be NULL) holds a string equal to s. */
bool strv_contains(char *const *v, const char *s);
char **strv_copy(const char *const *v);
void strv_append(char ***v, const char *s);
/* The strings joined with sep between them (caller frees; "" for none). */
char *strv_join(char *const *v, const char *sep);
void strv_free(char **v);

#endif
