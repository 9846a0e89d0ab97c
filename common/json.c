#include "json.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fs.h"
#include "common/xalloc.h"

int json_parse(const char *text, size_t len, const char *what, yajl_val *out, struct error **err)
{
    return json_parse_max(text, len, JSON_MAX_SIZE, what, out, err);
}

int json_parse_max(const char *text, size_t len, size_t max_size, const char *what, yajl_val *out,
                   struct error **err)
{
    if (json_check_limits(text, len, max_size, what, err) < 0)
        return -1;
    char errbuf[256] = "";
    CLEANUP_FREE char *copy = xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    yajl_val v = yajl_tree_parse(copy, errbuf, sizeof(errbuf));
    if (v == NULL) {
        char *nl;
        while ((nl = strchr(errbuf, '\n')) != NULL)
            *nl = ' ';
        return error_setc(err, EXIT_INVALID, 0, "%s: malformed JSON: %s", what,
                          errbuf[0] ? errbuf : "parse error");
    }
    *out = v;
    return 0;
}

int json_parse_fd(int fd, const char *what, yajl_val *out, struct error **err)
{
    CLEANUP_FREE char *buf = NULL;
    size_t len = 0;
    if (json_read_fd(fd, what, &buf, &len, err) < 0)
        return -1;
    return json_parse(buf, len, what, out, err);
}

int json_parse_file(const char *path, yajl_val *out, struct error **err)
{
    CLEANUP_CLOSE int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return error_set(err, errno, "open %s", path);
    return json_parse_fd(fd, path, out, err);
}

void json_freep(yajl_val *v)
{
    if (*v)
        yajl_tree_free(*v);
}

const char *json_type_name(yajl_val v)
{
    if (v == NULL || YAJL_IS_NULL(v))
        return "null";
    if (YAJL_IS_STRING(v))
        return "string";
    if (YAJL_IS_NUMBER(v))
        return YAJL_IS_INTEGER(v) ? "integer" : "number";
    if (YAJL_IS_OBJECT(v))
        return "object";
    if (YAJL_IS_ARRAY(v))
        return "array";
    return "boolean";
}

yajl_val json_member(yajl_val obj, const char *key)
{
    if (obj == NULL || !YAJL_IS_OBJECT(obj))
        return NULL;
    for (size_t i = 0; i < obj->u.object.len; i++)
        if (strcmp(obj->u.object.keys[i], key) == 0)
            return obj->u.object.values[i];
    return NULL;
}

static int mismatch(const char *path, const char *key, const char *want, yajl_val v, struct error **err)
{
    const char *dot = path && *path && key ? "." : "";
    return error_setc(err, EXIT_INVALID, 0, "%s%s%s: expected %s, got %s", path ? path : "", dot,
                      key ? key : "", want, json_type_name(v));
}

/* Common front of the getters: absent/null -> 0, else 1 with *v set. */
static int lookup(yajl_val obj, const char *key, yajl_val *v)
{
    *v = json_member(obj, key);
    return *v != NULL && !YAJL_IS_NULL(*v);
}

int json_as_string(yajl_val v, const char *path, const char **out, struct error **err)
{
    if (!YAJL_IS_STRING(v))
        return mismatch(path, NULL, "string", v, err);
    *out = v->u.string;
    return 1;
}

int json_as_uint64(yajl_val v, const char *path, uint64_t *out, struct error **err)
{
    if (!YAJL_IS_NUMBER(v) || v->u.number.r[0] == '-' || strpbrk(v->u.number.r, ".eE"))
        return mismatch(path, NULL, "unsigned integer", v, err);
    errno = 0;
    unsigned long long n = strtoull(v->u.number.r, NULL, 10);
    if (errno == ERANGE)
        return error_setc(err, EXIT_INVALID, 0, "%s: %s is out of range", path, v->u.number.r);
    *out = n;
    return 1;
}

int json_as_int64(yajl_val v, const char *path, int64_t *out, struct error **err)
{
    if (!YAJL_IS_INTEGER(v))
        return mismatch(path, NULL, "integer", v, err);
    *out = YAJL_GET_INTEGER(v);
    return 1;
}

int json_expect_object(yajl_val v, const char *path, struct error **err)
{
    if (!YAJL_IS_OBJECT(v))
        return mismatch(path, NULL, "object", v, err);
    return 1;
}

static char *member_path(const char *path, const char *key)
{
    return path && *path ? xasprintf("%s.%s", path, key) : xstrdup(key);
}

int json_get_string(yajl_val obj, const char *path, const char *key, const char **out, struct error **err)
{
    yajl_val v;
    if (!lookup(obj, key, &v))
        return 0;
    if (!YAJL_IS_STRING(v))
        return mismatch(path, key, "string", v, err);
    *out = v->u.string;
    return 1;
}

int json_get_bool(yajl_val obj, const char *path, const char *key, bool *out, struct error **err)
{
    yajl_val v;
    if (!lookup(obj, key, &v))
        return 0;
    if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
        return mismatch(path, key, "boolean", v, err);
    *out = YAJL_IS_TRUE(v);
    return 1;
}

int json_get_int64(yajl_val obj, const char *path, const char *key, int64_t *out, struct error **err)
{
    yajl_val v;
    if (!lookup(obj, key, &v))
        return 0;
    CLEANUP_FREE char *p = member_path(path, key);
    return json_as_int64(v, p, out, err);
}

int json_get_uint64(yajl_val obj, const char *path, const char *key, uint64_t *out, struct error **err)
{
    yajl_val v;
    if (!lookup(obj, key, &v))
        return 0;
    CLEANUP_FREE char *p = member_path(path, key);
    return json_as_uint64(v, p, out, err);
}

int json_get_object(yajl_val obj, const char *path, const char *key, yajl_val *out, struct error **err)
{
    yajl_val v;
    if (!lookup(obj, key, &v))
        return 0;
    if (!YAJL_IS_OBJECT(v))
        return mismatch(path, key, "object", v, err);
    *out = v;
    return 1;
}

int json_get_array(yajl_val obj, const char *path, const char *key, yajl_val *out, struct error **err)
{
    yajl_val v;
    if (!lookup(obj, key, &v))
        return 0;
    if (!YAJL_IS_ARRAY(v))
        return mismatch(path, key, "array", v, err);
    *out = v;
    return 1;
}

int json_get_strv(yajl_val obj, const char *path, const char *key, char ***out, struct error **err)
{
    yajl_val arr;
    int r = json_get_array(obj, path, key, &arr, err);
    if (r <= 0)
        return r;
    size_t n = arr->u.array.len;
    CLEANUP_STRV char **v = xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        yajl_val s = arr->u.array.values[i];
        if (!YAJL_IS_STRING(s)) {
            CLEANUP_FREE char *p = member_path(path, key);
            CLEANUP_FREE char *ip = xasprintf("%s[%zu]", p, i);
            return mismatch(ip, NULL, "string", s, err);
        }
        v[i] = xstrdup(s->u.string);
    }
    *out = TAKE_PTR(v);
    return 1;
}

yajl_gen json_gen_new(bool pretty)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    if (g == NULL)
        abort();
    if (pretty) {
        yajl_gen_config(g, yajl_gen_beautify, 1);
        yajl_gen_config(g, yajl_gen_indent_string, "\t");
    }
    return g;
}

void json_gen_freep(yajl_gen *g)
{
    if (*g)
        yajl_gen_free(*g);
}

void jg_key(yajl_gen g, const char *key) { jg_str(g, key); }
void jg_str(yajl_gen g, const char *s) { yajl_gen_string(g, (const unsigned char *)s, strlen(s)); }
void jg_int(yajl_gen g, int64_t v) { yajl_gen_integer(g, v); }
void jg_bool(yajl_gen g, bool v) { yajl_gen_bool(g, v); }
void jg_null(yajl_gen g) { yajl_gen_null(g); }
void jg_obj_open(yajl_gen g) { yajl_gen_map_open(g); }
void jg_obj_close(yajl_gen g) { yajl_gen_map_close(g); }
void jg_arr_open(yajl_gen g) { yajl_gen_array_open(g); }
void jg_arr_close(yajl_gen g) { yajl_gen_array_close(g); }

void jg_uint(yajl_gen g, uint64_t v)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);
    yajl_gen_number(g, buf, (size_t)n);
}

void jg_key_str(yajl_gen g, const char *key, const char *s)
{
    if (s == NULL)
        return;
    jg_key(g, key);
    jg_str(g, s);
}

void jg_key_int(yajl_gen g, const char *key, int64_t v)
{
    jg_key(g, key);
    jg_int(g, v);
}

void jg_key_bool(yajl_gen g, const char *key, bool v)
{
    jg_key(g, key);
    jg_bool(g, v);
}

void jg_key_strv(yajl_gen g, const char *key, char *const *v)
{
    if (v == NULL)
        return;
    jg_key(g, key);
    jg_arr_open(g);
    for (; *v; v++)
        jg_str(g, *v);
    jg_arr_close(g);
}

void jg_value(yajl_gen g, yajl_val v)
{
    if (v == NULL || YAJL_IS_NULL(v)) {
        jg_null(g);
    } else if (YAJL_IS_STRING(v)) {
        jg_str(g, v->u.string);
    } else if (YAJL_IS_NUMBER(v)) {
        yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
    } else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
        jg_bool(g, YAJL_IS_TRUE(v));
    } else if (YAJL_IS_OBJECT(v)) {
        jg_obj_open(g);
        for (size_t i = 0; i < v->u.object.len; i++) {
            jg_key(g, v->u.object.keys[i]);
            jg_value(g, v->u.object.values[i]);
        }
        jg_obj_close(g);
    } else {
        jg_arr_open(g);
        for (size_t i = 0; i < v->u.array.len; i++)
            jg_value(g, v->u.array.values[i]);
        jg_arr_close(g);
    }
}

const char *jg_text(yajl_gen g, size_t *len)
{
    const unsigned char *buf = NULL;
    size_t n = 0;
    yajl_gen_get_buf(g, &buf, &n);
    if (len)
        *len = n;
    return (const char *)buf;
}
