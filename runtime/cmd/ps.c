/* runtime ps [--format table|json] ID [PS-OPTIONS...]: the container's
 * processes (its cgroup's, sub-cgroups included). json: the pid list, as
 * runc prints it; table: the host's ps(1) (default -ef), keeping its
 * header and only the lines whose PID column is one of the container's. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "runtime/cmd/cmd.h"
#include "runtime/container.h"

/* Run ps with args, stdout and stderr into *out; non-zero exit is an error
 * carrying what ps said. */
static int run_ps(char **args, int n, char **out, struct error **err)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return error_set(err, errno, "ps: pipe");
    CLEANUP_FREE char **argv = xcalloc((size_t)n + 2, sizeof(*argv));
    argv[0] = "ps";
    for (int i = 0; i < n; i++)
        argv[i + 1] = args[i];
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_adddup2(&fa, p[1], 2);
    pid_t pid;
    int rc = posix_spawnp(&pid, "ps", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    if (rc != 0) {
        close(p[0]);
        return error_set(err, rc, "ps: run ps");
    }
    rc = read_all_fd(p[0], out, NULL, err);
    close(p[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (rc < 0)
        return -1;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        /* One line: ps's first one says what it disliked. */
        char *first = *out + strspn(*out, "\n");
        first[strcspn(first, "\n")] = '\0';
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return error_set(err, 0, "ps failed (status %d): %s", code, first);
    }
    return 0;
}

/* Index of the PID column in ps's header. */
static int pid_column(const char *header, struct error **err)
{
    CLEANUP_FREE char *h = xstrdup(header);
    char *save = NULL;
    int i = 0;
    for (char *w = strtok_r(h, " \t", &save); w; w = strtok_r(NULL, " \t", &save), i++)
        if (strcmp(w, "PID") == 0)
            return i;
    return error_set(err, 0, "ps: couldn't find a PID column in ps's output (header: %s)", header);
}

static bool line_pid_in(const char *line, int col, const pid_t *pids, size_t n)
{
    CLEANUP_FREE char *l = xstrdup(line);
    char *save = NULL, *w = strtok_r(l, " \t", &save);
    for (int i = 0; w && i < col; i++)
        w = strtok_r(NULL, " \t", &save);
    if (w == NULL)
        return false;
    pid_t pid = (pid_t)atoi(w);
    for (size_t i = 0; i < n; i++)
        if (pids[i] == pid)
            return true;
    return false;
}

static int print_table(char **args, int n, const pid_t *pids, size_t n_pids, struct error **err)
{
    static char *default_args[] = {"-ef"};
    CLEANUP_FREE char *out = NULL;
    if (run_ps(n ? args : default_args, n ? n : 1, &out, err) < 0)
        return -1;
    char *save = NULL, *header = strtok_r(out, "\n", &save);
    if (header == NULL)
        return error_set(err, 0, "ps: no output");
    int col = pid_column(header, err);
    if (col < 0)
        return -1;
    printf("%s\n", header);
    for (char *l = strtok_r(NULL, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        if (line_pid_in(l, col, pids, n_pids))
            printf("%s\n", l);
    return 0;
}

static void print_json(const pid_t *pids, size_t n)
{
    CLEANUP_JSON_GEN yajl_gen g = json_gen_new(false);
    jg_arr_open(g);
    for (size_t i = 0; i < n; i++)
        yajl_gen_integer(g, pids[i]);
    jg_arr_close(g);
    cmd_json_print(g);
}

static int ps(const struct cli_args *a, struct error **err)
{
    const char *format = cli_get(a, "format", "table");
    if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
        return cli_usage_error(err, "--format: expected table or json, got '%s'", format);
    CLEANUP_STATE struct container_state *st = NULL;
    enum container_status status;
    if (container_load(cmd_globals(a)->root, a->argv[0], &st, &status, err) < 0)
        return -1;
    if (st->cgroup == NULL)
        return error_setc(err, EXIT_STATE, 0, "container %s has no cgroup", st->id);
    CLEANUP_FREE pid_t *pids = NULL;
    size_t n = 0;
    if (cgroup_pids(st->cgroup, &pids, &n, err) < 0)
        return error_prefix(err, "ps %s", st->id);
    if (strcmp(format, "json") == 0) {
        print_json(pids, n);
        return 0;
    }
    return print_table(a->argv + 1, a->argc - 1, pids, n, err);
}

static const struct cli_option options[] = {
    { 'f', "format", CLI_ARG, "table|json", "table: ps(1)'s lines of the container's processes; json: their pids", "table", 0 },
    { 0 },
};

const struct cli_command cmd_ps = {
    .name = "ps",
    .fn = ps,
    .summary = "list the processes of a container",
    .synopsis = "CONTAINER_ID [PS-OPTIONS...]",
    .description = "PS-OPTIONS (default -ef) go to the host's ps(1); its header is kept and only the lines whose "
                   "PID is in the container's cgroup are printed. Every word after "
                   "CONTAINER_ID goes to ps, as in runc: `runtime ps ID -o pid,comm`.\n",
    .options = options,
    .min_args = 1,
    .max_args = -1,
    .options_stop_after = -1,
};
