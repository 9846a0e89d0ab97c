/* runtime list [--format table|json] [-q]: the containers under --root. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "runtime/cmd/cmd.h"
#include "runtime/container.h"

static const struct cmd_info info = {
    "list", "[OPTIONS]",
    "  -f, --format table|json  output format (default table)\n"
    "  -q, --quiet              print the ids only\n",
};

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
        printf("%-*s%-10d%-10s%-40s%-32s%s\n", w, st->id, pid, container_status_name(e[i].status),
               st->bundle, st->created, st->owner == 0 ? "root" : "");
    }
}

static void print_json(const struct entry *e, size_t n)
{
    CLEANUP_JSON_GEN yajl_gen g = json_gen_new(false);
    jg_arr_open(g);
    for (size_t i = 0; i < n; i++)
        state_emit_public(g, e[i].st, e[i].status);
    jg_arr_close(g);
    cmd_json_print(g);
}

int cmd_list(int argc, char **argv, const struct global_opts *g, struct error **err)
{
    static const struct option opts[] = {
        { "format", required_argument, NULL, 'f' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    bool quiet = false, json = false;
    int c;
    while ((c = cmd_getopt(argc, argv, "f:qh", opts, &info, err)) != -1) {
        if (c == 'h' || c == '?')
            return c == 'h' ? 0 : -1;
        if (c == 'q')
            quiet = true;
        if (c == 'f') {
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "table") != 0)
                return cmd_usage_error(&info, err, "--format: expected table or json, got '%s'", optarg);
            json = strcmp(optarg, "json") == 0;
        }
    }
    if (cmd_check_args(argc, argv, 0, 0, &info, err) < 0)
        return -1;
    struct entry *e;
    size_t n;
    if (load_all(g->root, &e, &n, err) < 0)
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
