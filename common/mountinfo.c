/* The one /proc/self/mountinfo parser (see mountinfo.h). */
#include "common/mountinfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fs.h"
#include "common/xalloc.h"

struct mountinfo {
    char *path;
    char *text; /* the whole file, read at open: a snapshot */
    char *next; /* the next line in text */
    unsigned long line_no;
    struct mountinfo_entry entry;
};

static bool is_octal(char c)
{
    return c >= '0' && c <= '7';
}

void mountinfo_unescape(char *s)
{
    char *out = s;
    for (const char *in = s; *in;) {
        if (in[0] == '\\' && is_octal(in[1]) && is_octal(in[2]) && is_octal(in[3]) && in[1] <= '3') {
            *out++ = (char)(((in[1] - '0') << 6) | ((in[2] - '0') << 3) | (in[3] - '0'));
            in += 4;
        } else {
            *out++ = *in++;
        }
    }
    *out = '\0';
}

/* The next space-separated field, or NULL at the end of the line. */
static char *field(char **cursor)
{
    char *s = *cursor;
    if (s == NULL || *s == '\0')
        return NULL;
    char *sp = strchr(s, ' ');
    if (sp) {
        *sp = '\0';
        *cursor = sp + 1;
    } else {
        *cursor = s + strlen(s);
    }
    return s;
}

static bool parse_ids(char *id, char *parent, char *dev, struct mountinfo_entry *e)
{
    char *end;
    long m = strtol(id, &end, 10);
    if (end == id || *end || m < 0)
        return false;
    long p = strtol(parent, &end, 10);
    if (end == parent || *end || p < 0)
        return false;
    e->mount_id = (int)m;
    e->parent_id = (int)p;
    char tail;
    return sscanf(dev, "%u:%u%c", &e->major, &e->minor, &tail) == 2;
}

/* Fields 7..8: zero or more optional fields, then "-". The optional ones
 * are joined back with spaces, in place. */
static bool parse_optional(char **cursor, struct mountinfo_entry *e)
{
    char *start = *cursor, *f, *end = NULL;
    while ((f = field(cursor)) != NULL && strcmp(f, "-") != 0)
        end = f + strlen(f);
    if (f == NULL)
        return false;
    for (char *p = start; end && p < end; p++)
        if (*p == '\0')
            *p = ' ';
    e->optional = end ? start : f + 1; /* f + 1: the NUL that ends "-" */
    return true;
}

bool mountinfo_parse_line(char *line, struct mountinfo_entry *e)
{
    memset(e, 0, sizeof(*e));
    char *cur = line;
    char *id = field(&cur), *parent = field(&cur), *dev = field(&cur);
    e->root = field(&cur);
    e->mount_point = field(&cur);
    e->options = field(&cur);
    if (e->options == NULL || !parse_ids(id, parent, dev, e) || !parse_optional(&cur, e))
        return false;
    e->fstype = field(&cur);
    e->source = field(&cur);
    e->super_options = field(&cur);
    if (e->super_options == NULL || *cur != '\0')
        return false;
    char *fields[] = { e->root, e->mount_point, e->options, e->fstype, e->source, e->super_options };
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        mountinfo_unescape(fields[i]);
    return true;
}

int mountinfo_open(const char *path, struct mountinfo **out, struct error **err)
{
    if (path == NULL)
        path = "/proc/self/mountinfo";
    char *text = NULL;
    if (read_file(path, &text, NULL, err) < 0)
        return -1;
    struct mountinfo *mi = xcalloc(1, sizeof(*mi));
    mi->path = xstrdup(path);
    mi->text = text;
    mi->next = text;
    *out = mi;
    return 0;
}

int mountinfo_next(struct mountinfo *mi, const struct mountinfo_entry **e, struct error **err)
{
    if (*mi->next == '\0')
        return 0;
    char *line = mi->next;
    char *nl = strchr(line, '\n');
    if (nl) {
        *nl = '\0';
        mi->next = nl + 1;
    } else {
        mi->next = line + strlen(line);
    }
    mi->line_no++;
    if (!mountinfo_parse_line(line, &mi->entry))
        return error_setc(err, EXIT_INVALID, 0, "%s: line %lu is not in the mountinfo format", mi->path,
                          mi->line_no);
    *e = &mi->entry;
    return 1;
}

void mountinfo_close(struct mountinfo *mi)
{
    if (mi == NULL)
        return;
    free(mi->path);
    free(mi->text);
    free(mi);
}

bool mountinfo_has_tag(const struct mountinfo_entry *e, const char *tag)
{
    size_t n = strlen(tag);
    for (const char *p = e->optional; *p;) {
        size_t len = strcspn(p, " ");
        if (strncmp(p, tag, n) == 0 && (len == n || p[n] == ':'))
            return true;
        p += len;
        p += *p == ' ';
    }
    return false;
}

bool path_within(const char *path, const char *dir)
{
    if (strcmp(dir, "/") == 0)
        return path[0] == '/';
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

bool mountinfo_covers(const struct mountinfo_entry *e, const char *path)
{
    return path_within(path, e->mount_point);
}
