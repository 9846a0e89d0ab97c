/* JSON over yajl: a parse that names the file, typed getters that name the
 * JSON path on a mismatch ("process.user.uid: expected integer, got string"),
 * and small generator helpers. */
#ifndef COMMON_JSON_H
#define COMMON_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "error.h"

/* Limits checked before any parse (json_limits.c): a document larger than
 * JSON_MAX_SIZE (a manifest or index: JSON_MANIFEST_MAX, the registries'
 * limit) or nested deeper than JSON_MAX_DEPTH arrays/objects is EXIT_INVALID. */
#define JSON_MAX_SIZE ((size_t)16 << 20)
#define JSON_MANIFEST_MAX ((size_t)4 << 20)
#define JSON_MAX_DEPTH 512
int json_check_limits(const char *text, size_t len, size_t max_size, const char *what, struct error **err);
/* Read a whole document from fd, refusing more than JSON_MAX_SIZE bytes
 * without reading them all. */
int json_read_fd(int fd, const char *what, char **out, size_t *len, struct error **err);

/* Parse; "what" (a file name) prefixes any error. Errors are EXIT_INVALID.
 * json_parse_max: with a size limit below JSON_MAX_SIZE. */
int json_parse(const char *text, size_t len, const char *what, yajl_val *out, struct error **err);
int json_parse_max(const char *text, size_t len, size_t max_size, const char *what, yajl_val *out,
                   struct error **err);
int json_parse_file(const char *path, yajl_val *out, struct error **err);
int json_parse_fd(int fd, const char *what, yajl_val *out, struct error **err);

void json_freep(yajl_val *v);
#define CLEANUP_JSON CLEANUP(json_freep)

const char *json_type_name(yajl_val v);
/* Member of an object, or NULL when obj is not an object or lacks key. */
yajl_val json_member(yajl_val obj, const char *key);

/* Typed getters. Return 1 when found, 0 when absent or null, -1 (with *err)
 * when the value has the wrong type. "path" is the JSON path of obj
 * ("" for the top level) and only serves messages. */
int json_get_string(yajl_val obj, const char *path, const char *key, const char **out, struct error **err);
int json_get_bool(yajl_val obj, const char *path, const char *key, bool *out, struct error **err);
int json_get_int64(yajl_val obj, const char *path, const char *key, int64_t *out, struct error **err);
int json_get_uint64(yajl_val obj, const char *path, const char *key, uint64_t *out, struct error **err);
int json_get_object(yajl_val obj, const char *path, const char *key, yajl_val *out, struct error **err);
int json_get_array(yajl_val obj, const char *path, const char *key, yajl_val *out, struct error **err);
/* An array of strings as a NULL-terminated vector of copies (caller frees). */
int json_get_strv(yajl_val obj, const char *path, const char *key, char ***out, struct error **err);

/* Value-level checks, for array elements: "path" names the value itself. */
int json_as_string(yajl_val v, const char *path, const char **out, struct error **err);
int json_as_int64(yajl_val v, const char *path, int64_t *out, struct error **err);
int json_as_uint64(yajl_val v, const char *path, uint64_t *out, struct error **err);
int json_expect_object(yajl_val v, const char *path, struct error **err);

/* Generator helpers (yajl_gen with pretty printing optional). */
yajl_gen json_gen_new(bool pretty);
void json_gen_freep(yajl_gen *g);
#define CLEANUP_JSON_GEN CLEANUP(json_gen_freep)
void jg_key(yajl_gen g, const char *key);
void jg_str(yajl_gen g, const char *s);
void jg_int(yajl_gen g, int64_t v);
void jg_uint(yajl_gen g, uint64_t v);
void jg_bool(yajl_gen g, bool v);
void jg_null(yajl_gen g);
void jg_obj_open(yajl_gen g);
void jg_obj_close(yajl_gen g);
void jg_arr_open(yajl_gen g);
void jg_arr_close(yajl_gen g);
void jg_key_str(yajl_gen g, const char *key, const char *s); /* skipped when s is NULL */
void jg_key_int(yajl_gen g, const char *key, int64_t v);
void jg_key_bool(yajl_gen g, const char *key, bool v);
void jg_key_strv(yajl_gen g, const char *key, char *const *v); /* skipped when v is NULL */
/* Re-emit a parsed value verbatim (used to carry unknown fields through). */
void jg_value(yajl_gen g, yajl_val v);
/* The generated text (owned by g, valid until g changes). */
const char *jg_text(yajl_gen g, size_t *len);

#endif
