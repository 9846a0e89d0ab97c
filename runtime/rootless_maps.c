/* id maps of a user's container: its own id alone is written directly
 * (after "deny" in setgroups for gid_map, which the kernel requires of an
 * unprivileged writer); ranges go through the setuid helpers newuidmap and
 * newgidmap, which check /etc/subuid and /etc/subgid. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "runtime/linux/userns.h"
#include "runtime/rootless.h"

extern char **environ;

static bool own_id_only(const struct spec_id_mapping *m, size_t n, unsigned id)
{
    return n == 1 && m[0].host_id == id && m[0].size == 1;
}

static int write_file(pid_t pid, const char *file, const char *text, struct error **err)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
    CLEANUP_CLOSE int fd = open(path, O_WRONLY | O_CLOEXEC);
    size_t len = strlen(text);
    if (fd < 0 || write(fd, text, len) != (ssize_t)len)
        return error_set(err, errno, "write %s", path);
    return 0;
}

/* The helper's first line of complaint, for the error. */
static void read_line(int fd, char *buf, size_t size)
{
    ssize_t n = read(fd, buf, size - 1);
    buf[n > 0 ? n : 0] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
}

static int run_helper(const char *helper, pid_t pid, const struct spec_id_mapping *m, size_t n, struct error **err)
{
    CLEANUP_STRV char **argv = NULL;
    char num[32];
    strv_append(&argv, helper);
    snprintf(num, sizeof(num), "%d", (int)pid);
    strv_append(&argv, num);
    for (size_t i = 0; i < n; i++) {
        const uint32_t v[3] = { m[i].container_id, m[i].host_id, m[i].size };
        for (int k = 0; k < 3; k++) {
            snprintf(num, sizeof(num), "%u", v[k]);
            strv_append(&argv, num);
        }
    }
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0)
        return error_set(err, errno, "pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDERR_FILENO);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
    pid_t child;
    int rc = posix_spawnp(&child, helper, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    CLEANUP_CLOSE int out = pipefd[0];
    if (rc != 0)
        return error_setc(err, EXIT_PERM, rc, "%s (package uidmap) is needed to map ranges of ids", helper);
    char line[512];
    read_line(out, line, sizeof(line));
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    return error_setc(err, EXIT_PERM, 0, "%s: %s (are the subordinate ids in /etc/sub%cid?)", helper,
                      *line ? line : "failed", helper[3]);
}

int rootless_write_maps(pid_t pid, const struct spec_linux *l, struct error **err)
{
    if (own_id_only(l->uid_mappings, l->n_uid_mappings, geteuid())) {
        char text[64];
        snprintf(text, sizeof(text), "%u %u 1\n", l->uid_mappings[0].container_id, geteuid());
        if (write_file(pid, "uid_map", text, err) < 0)
            return error_prefix(err, "linux.uidMappings");
    } else if (run_helper("newuidmap", pid, l->uid_mappings, l->n_uid_mappings, err) < 0) {
        return error_prefix(err, "linux.uidMappings");
    }
    if (own_id_only(l->gid_mappings, l->n_gid_mappings, getegid())) {
        char text[64];
        snprintf(text, sizeof(text), "%u %u 1\n", l->gid_mappings[0].container_id, getegid());
        if (write_file(pid, "setgroups", "deny", err) < 0 || write_file(pid, "gid_map", text, err) < 0)
            return error_prefix(err, "linux.gidMappings");
    } else if (run_helper("newgidmap", pid, l->gid_mappings, l->n_gid_mappings, err) < 0) {
        return error_prefix(err, "linux.gidMappings");
    }
    return 0;
}
