/* runtime list [--format table|json] [-q]: the containers under --root. */
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "runtime/cmd/cmd.h"
#include "runtime/container.h"

struct entry {
    struct container_state *st;
    enum container_status status;
};

static int by_id(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->st->id, ((const struct entry *)b)->st->id);
}

/* Every container with a readable state; others (mid-create) are skipped. */
static int load_all(const char *root, struct entry **out, size_t *n, struct error **err)
{
    *out = NULL;
    *n = 0;
    CLEANUP_CLOSEDIR DIR *d = opendir(root);
    if (d == NULL)
        return errno == ENOENT ? 0 : error_set(err, errno, "open %s", root);
    struct dirent *de;
    size_t cap = 0;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || de->d_type != DT_DIR)
            continue;
        struct container_state *st;
        enum container_status status;
        if (container_load(root, de->d_name, &st, &status, NULL) < 0)
            continue;
        if (*n == cap)
            *out = xrealloc(*out, (cap = cap ? cap * 2 : 16) * sizeof(**out));
        (*out)[(*n)++] = (struct entry){ st, status };
    }
    if (*n > 1)
        qsort(*out, *n, sizeof(**out), by_id);
    return 0;
}

/* The owner's user name, "#UID" without one (runc's form). */
static char *owner_name(uid_t uid)
{
    struct passwd *pw = getpwuid(uid);
    return pw ? xstrdup(pw->pw_name) : xasprintf("#%u", (unsigned)uid);
}

static void print_table(const struct entry *e, size_t n)
{
    int w = 12;
    for (size_t i = 0; i < n; i++)
        if ((int)strlen(e[i].st->id) + 2 > w)
            w = (int)strlen(e[i].st->id) + 2;
    printf("%-*s%-10s%-10s%-40s%-32s%s\n", w, "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
    for (size_t i = 0; i < n; i++) {
        const struct container_state *st = e[i].st;
        int pid = e[i].status == STATUS_STOPPED ? 0 : st->pid;
        CLEANUP_FREE char *owner = owner_name(st->owner);
        printf("%-*s%-10d%-10s%-40s%-32s%s\n", w, st->id, pid, container_status_name(e[i].status),
               st->bundle, st->created, owner);
    }
}

static void print_json(const struct entry *e, size_t n)
{
    CLEANUP_JSON_GEN yajl_gen g = json_gen_new(false);
    jg_arr_open(g);
    for (size_t i = 0; i < n; i++) {
        CLEANUP_FREE char *owner = owner_name(e[i].st->owner);
        state_emit_public(g, e[i].st, e[i].status, owner);
    }
    jg_arr_close(g);
    cmd_json_print(g);
}

static int list(const struct cli_args *a, struct error **err)
{
    bool quiet = cli_has(a, "quiet");
    const char *format = cli_get(a, "format", "table");
    if (strcmp(format, "json") != 0 && strcmp(format, "table") != 0)
        return cli_usage_error(err, "--format: expected table or json, got '%s'", format);
    bool json = strcmp(format, "json") == 0;
    struct entry *e;
    size_t n;
    if (load_all(cmd_globals(a)->root, &e, &n, err) < 0)
        return -1;
    if (quiet)
        for (size_t i = 0; i < n; i++)
            printf("%s\n", e[i].st->id);
    else if (json)
        print_json(e, n);
    else
        print_table(e, n);
    for (size_t i = 0; i < n; i++)
        container_state_free(e[i].st);
    free(e);
    return 0;
}

static const struct cli_option options[] = {
    { 'f', "format", CLI_ARG, "table|json", "output format", "table", 0 },
    { 'q', "quiet", CLI_NOARG, NULL, "print the ids only", NULL, 0 },
    { 0 },
};

const struct cli_command cmd_list = {
    .name = "list",
    .fn = list,
    .summary = "list the containers under --root",
    .options = options,
    .max_args = 0,
};
