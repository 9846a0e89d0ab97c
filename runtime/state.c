/* The state directory: <root>/<id>/state.json, exec.fifo, and an flock on
 * the directory as the container's lock. */
#include "runtime/state.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/xalloc.h"

static const char *const status_names[] = { "creating", "created", "running", "stopped", "paused" };

const char *container_status_name(enum container_status s) { return status_names[s]; }

void container_state_free(struct container_state *st)
{
    if (st == NULL)
        return;
    free(st->oci_version);
    free(st->id);
    free(st->bundle);
    free(st->rootfs);
    free(st->created);
    cgroup_free(st->cgroup);
    for (int k = 0; k < NS_KINDS; k++)
        free(st->ns_paths[k]);
    for (size_t i = 0; i < st->n_annotations; i++) {
        free(st->annotations[i].key);
        free(st->annotations[i].value);
    }
    free(st->annotations);
    free(st);
}

void container_state_freep(struct container_state **st) { container_state_free(*st); }

int state_check_id(const char *id, struct error **err)
{
    if (*id == '\0' || strcmp(id, ".") == 0 || strcmp(id, "..") == 0 || strlen(id) > 1024)
        return error_setc(err, EXIT_INVALID, 0, "invalid container id '%s'", id);
    for (const char *c = id; *c; c++)
        if (*c == '/' || (unsigned char)*c <= ' ' || *c == 0x7f)
            return error_setc(err, EXIT_INVALID, 0, "invalid container id '%s': no '/', spaces or control characters", id);
    return 0;
}

char *state_dir_path(const char *root, const char *id)
{
    return xasprintf("%s/%s", root, id);
}

static int lock_dir(int fd, const char *path, struct error **err)
{
    while (flock(fd, LOCK_EX) < 0)
        if (errno != EINTR)
            return error_set(err, errno, "lock %s", path);
    return 0;
}

int state_dir_create(const char *root, const char *id, struct error **err)
{
    if (state_check_id(id, err) < 0)
        return -1;
    if (mkdir(root, 0700) < 0 && errno != EEXIST && mkdir_p(root, 0700, err) < 0)
        return error_prefix(err, "state root");
    CLEANUP_FREE char *dir = state_dir_path(root, id);
    if (mkdir(dir, 0700) < 0) {
        if (errno == EEXIST)
            return error_setc(err, EXIT_STATE, 0, "container with id %s already exists", id);
        return error_set(err, errno, "mkdir %s", dir);
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        error_set(err, errno, "open %s", dir);
        rmdir(dir);
        return -1;
    }
    if (lock_dir(fd, dir, err) < 0) {
        close(fd);
        rmdir(dir);
        return -1;
    }
    return fd;
}

static int not_found(const char *id, struct error **err)
{
    return error_setc(err, EXIT_NOTFOUND, 0, "container %s does not exist", id);
}

int state_dir_open(const char *root, const char *id, struct error **err)
{
    if (state_check_id(id, err) < 0)
        return -1;
    CLEANUP_FREE char *dir = state_dir_path(root, id);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? not_found(id, err) : error_set(err, errno, "open %s", dir);
    if (lock_dir(fd, dir, err) < 0) {
        close(fd);
        return -1;
    }
    /* A delete may have removed it while we waited for the lock. */
    struct stat st;
    if (fstat(fd, &st) < 0 || st.st_nlink == 0) {
        close(fd);
        return not_found(id, err);
    }
    return fd;
}

int state_dir_remove(const char *root, const char *id, struct error **err)
{
    CLEANUP_FREE char *dir = state_dir_path(root, id);
    return rm_rf(dir, err);
}

static void emit_common(yajl_gen g, const struct container_state *st, const char *status, pid_t pid)
{
    jg_key_str(g, "ociVersion", st->oci_version);
    jg_key_str(g, "id", st->id);
    jg_key_int(g, "pid", pid);
    jg_key_str(g, "status", status);
    jg_key_str(g, "bundle", st->bundle);
    jg_key_str(g, "rootfs", st->rootfs);
    jg_key_str(g, "created", st->created);
    if (st->n_annotations) {
        jg_key(g, "annotations");
        jg_obj_open(g);
        for (size_t i = 0; i < st->n_annotations; i++)
            jg_key_str(g, st->annotations[i].key, st->annotations[i].value);
        jg_obj_close(g);
    }
}

void state_emit_public(yajl_gen g, const struct container_state *st, enum container_status status, const char *owner)
{
    jg_obj_open(g);
    emit_common(g, st, status_names[status], status == STATUS_STOPPED ? 0 : st->pid);
    jg_key_str(g, "owner", owner);
    jg_obj_close(g);
}

int state_write(const char *root, const struct container_state *st, struct error **err)
{
    CLEANUP_JSON_GEN yajl_gen g = json_gen_new(false);
    jg_obj_open(g);
    emit_common(g, st, "created", st->pid);
    jg_key(g, "runtime");
    jg_obj_open(g);
    jg_key_int(g, "pidStartTime", (int64_t)st->pid_start_time);
    jg_key_int(g, "ownerUid", st->owner);
    if (st->cgroup) {
        jg_key(g, "cgroup");
        cgroup_emit(st->cgroup, g);
    }
    jg_key(g, "namespaces");
    jg_obj_open(g);
    for (int k = 0; k < NS_KINDS; k++)
        jg_key_str(g, ns_spec_name(k), st->ns_paths[k]);
    jg_obj_close(g);
    jg_obj_close(g);
    jg_obj_close(g);
    size_t len;
    const char *text = jg_text(g, &len);
    CLEANUP_FREE char *path = xasprintf("%s/%s/" STATE_FILE, root, st->id);
    return write_file_atomic(path, text, len, 0600, err);
}

static int parse_annotations(yajl_val v, struct container_state *st, struct error **err)
{
    if (v == NULL)
        return 0;
    if (!YAJL_IS_OBJECT(v))
        return error_setc(err, EXIT_INVALID, 0, "annotations: expected object");
    size_t n = v->u.object.len;
    st->annotations = xcalloc(n ? n : 1, sizeof(*st->annotations));
    for (size_t i = 0; i < n; i++) {
        const char *val;
        if (json_as_string(v->u.object.values[i], "annotations", &val, err) < 0)
            return -1;
        st->annotations[i].key = xstrdup(v->u.object.keys[i]);
        st->annotations[i].value = xstrdup(val);
        st->n_annotations++;
    }
    return 0;
}

static int get_str(yajl_val v, const char *key, char **out, struct error **err)
{
    const char *s = NULL;
    if (json_get_string(v, "", key, &s, err) < 0)
        return -1;
    *out = xstrdup(s ? s : "");
    return 0;
}

static int parse_runtime(yajl_val rt, struct container_state *st, struct error **err)
{
    int64_t start = 0, owner = 0;
    yajl_val ns = NULL;
    if (json_get_int64(rt, "runtime", "pidStartTime", &start, err) < 0 ||
        json_get_int64(rt, "runtime", "ownerUid", &owner, err) < 0 ||
        json_get_object(rt, "runtime", "namespaces", &ns, err) < 0)
        return -1;
    st->pid_start_time = (uint64_t)start;
    st->owner = (uid_t)owner;
    yajl_val cg = json_member(rt, "cgroup");
    if (cg && cgroup_parse(cg, &st->cgroup, err) < 0)
        return error_prefix(err, "runtime.cgroup");
    for (int k = 0; k < NS_KINDS && ns; k++) {
        const char *p = NULL;
        if (json_get_string(ns, "runtime.namespaces", ns_spec_name(k), &p, err) < 0)
            return -1;
        st->ns_paths[k] = p ? xstrdup(p) : NULL;
    }
    return 0;
}

static int parse_state(yajl_val v, struct container_state *st, struct error **err)
{
    int64_t pid = 0;
    yajl_val rt = NULL;
    if (get_str(v, "ociVersion", &st->oci_version, err) < 0 || get_str(v, "id", &st->id, err) < 0 ||
        get_str(v, "bundle", &st->bundle, err) < 0 || get_str(v, "rootfs", &st->rootfs, err) < 0 ||
        get_str(v, "created", &st->created, err) < 0 || json_get_int64(v, "", "pid", &pid, err) < 0 ||
        json_get_object(v, "", "runtime", &rt, err) < 0)
        return -1;
    st->pid = (pid_t)pid;
    if (parse_annotations(json_member(v, "annotations"), st, err) < 0)
        return -1;
    return rt ? parse_runtime(rt, st, err) : 0;
}

int state_read(const char *root, const char *id, struct container_state **out, struct error **err)
{
    if (state_check_id(id, err) < 0)
        return -1;
    CLEANUP_FREE char *path = xasprintf("%s/%s/" STATE_FILE, root, id);
    CLEANUP_FREE char *text = NULL;
    size_t len;
    CLEANUP_ERROR struct error *e = NULL;
    if (read_file(path, &text, &len, &e) < 0)
        return e->errnum == ENOENT ? not_found(id, err) : error_move(err, &e);
    CLEANUP_JSON yajl_val v = NULL;
    if (json_parse(text, len, path, &v, err) < 0)
        return -1;
    CLEANUP_STATE struct container_state *st = xcalloc(1, sizeof(*st));
    if (parse_state(v, st, err) < 0)
        return error_prefix(err, "%s", path);
    *out = TAKE_PTR(st);
    return 0;
}

uint64_t proc_start_time(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (p == NULL || p[1] != ' ')
        return 0;
    p += 2;
    if (*p == 'Z' || *p == 'X') /* a zombie has stopped */
        return 0;
    /* After "comm)" come the fields from 3 (state); starttime is field 22. */
    for (int field = 3; field < 22; field++) {
        p = strchr(p, ' ');
        if (p == NULL)
            return 0;
        p++;
    }
    return strtoull(p, NULL, 10);
}

enum container_status state_status(const char *root, const struct container_state *st)
{
    if (st->pid == 0)
        return STATUS_CREATING; /* create has not cloned the init yet (or was killed) */
    if (st->pid < 0 || proc_start_time(st->pid) != st->pid_start_time || st->pid_start_time == 0)
        return STATUS_STOPPED;
    if (st->cgroup && cgroup_is_frozen(st->cgroup))
        return STATUS_PAUSED;
    CLEANUP_FREE char *fifo = xasprintf("%s/%s/" STATE_EXEC_FIFO, root, st->id);
    return path_exists(fifo) ? STATUS_CREATED : STATUS_RUNNING;
}

int write_pid_file(const char *path, pid_t pid, struct error **err)
{
    if (path == NULL)
        return 0;
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
    if (write_file_atomic(path, buf, (size_t)n, 0644, err) < 0)
        return error_prefix(err, "--pid-file");
    return 0;
}
