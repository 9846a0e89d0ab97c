/* The OCI runtime-spec model (config.json): parse into these structs, emit
 * them back. The runtime parses; imagetool builds and emits.
 *
 * Conventions: strings are heap-allocated and owned by the struct; string
 * lists are NULL-terminated vectors (NULL when absent); arrays of structs
 * carry a count; optional scalars carry a has_ flag. spec_free frees all. */
#ifndef COMMON_SPEC_H
#define COMMON_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "error.h"

struct spec_kv {
    char *key;
    char *value;
};

struct spec_user {
    uint32_t uid, gid;
    bool has_umask;
    uint32_t umask;
    uint32_t *additional_gids;
    size_t n_additional_gids;
    char *username;
};

struct spec_rlimit {
    char *type; /* "RLIMIT_NOFILE" */
    uint64_t hard, soft;
};

struct spec_capabilities {
    char **bounding, **effective, **inheritable, **permitted, **ambient;
};

struct spec_process {
    bool terminal;
    bool has_console_size;
    uint32_t console_height, console_width;
    struct spec_user user;
    char **args;
    char *command_line;
    char **env;
    char *cwd;
    struct spec_capabilities *capabilities;
    struct spec_rlimit *rlimits;
    size_t n_rlimits;
    bool no_new_privileges;
    char *apparmor_profile;
    char *selinux_label;
    bool has_oom_score_adj;
    int oom_score_adj;
};

struct spec_root {
    char *path;
    bool readonly;
};

struct spec_mount {
    char *destination;
    char *type;
    char *source;
    char **options;
};

struct spec_hook {
    char *path;
    char **args;
    char **env;
    bool has_timeout;
    int timeout;
};

enum spec_hook_kind {
    HOOK_PRESTART,
    HOOK_CREATE_RUNTIME,
    HOOK_CREATE_CONTAINER,
    HOOK_START_CONTAINER,
    HOOK_POSTSTART,
    HOOK_POSTSTOP,
    HOOK_KINDS
};
extern const char *const spec_hook_names[HOOK_KINDS]; /* "prestart", "createRuntime", ... */

struct spec_hooks {
    struct spec_hook *list[HOOK_KINDS];
    size_t count[HOOK_KINDS];
};

struct spec_namespace {
    char *type; /* pid network mount ipc uts user cgroup time */
    char *path; /* join this one when set */
};

struct spec_id_mapping {
    uint32_t container_id, host_id, size;
};

struct spec_device {
    char *path;
    char *type; /* c b u p */
    int64_t major, minor;
    bool has_file_mode;
    uint32_t file_mode;
    bool has_uid, has_gid;
    uint32_t uid, gid;
};

struct spec_device_rule {
    bool allow;
    char *type; /* a c b, NULL = all */
    bool has_major, has_minor;
    int64_t major, minor; /* -1 = wildcard */
    char *access;         /* rwm */
};

struct spec_memory {
    bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp, has_swappiness, has_disable_oom_killer;
    int64_t limit, reservation, swap, kernel, kernel_tcp;
    uint64_t swappiness;
    bool disable_oom_killer;
};

struct spec_cpu {
    bool has_shares, has_quota, has_period, has_realtime_runtime, has_realtime_period, has_idle;
    uint64_t shares, period, realtime_period;
    int64_t quota, realtime_runtime, idle;
    char *cpus, *mems;
};

struct spec_hugepage_limit {
    char *page_size; /* "2MB" */
    uint64_t limit;
};

struct spec_resources {
    struct spec_device_rule *devices;
    size_t n_devices;
    bool has_memory, has_cpu;
    struct spec_memory memory;
    struct spec_cpu cpu;
    bool has_pids_limit;
    int64_t pids_limit;
    bool has_blkio_weight;
    uint16_t blkio_weight;
    struct spec_hugepage_limit *hugepage_limits;
    size_t n_hugepage_limits;
    struct spec_kv *unified; /* cgroup v2 files */
    size_t n_unified;
};

struct spec_seccomp_arg {
    uint32_t index;
    uint64_t value, value_two;
    char *op; /* SCMP_CMP_EQ ... */
};

struct spec_seccomp_syscall {
    char **names;
    char *action;
    bool has_errno_ret;
    uint32_t errno_ret;
    struct spec_seccomp_arg *args;
    size_t n_args;
};

struct spec_seccomp {
    char *default_action;
    bool has_default_errno_ret;
    uint32_t default_errno_ret;
    char **architectures;
    char **flags;
    char *listener_path;
    char *listener_metadata;
    struct spec_seccomp_syscall *syscalls;
    size_t n_syscalls;
};

struct spec_linux {
    struct spec_namespace *namespaces;
    size_t n_namespaces;
    struct spec_id_mapping *uid_mappings, *gid_mappings;
    size_t n_uid_mappings, n_gid_mappings;
    struct spec_device *devices;
    size_t n_devices;
    char *cgroups_path;
    struct spec_resources *resources;
    struct spec_kv *sysctl;
    size_t n_sysctl;
    struct spec_seccomp *seccomp;
    char *rootfs_propagation;
    char **masked_paths;
    char **readonly_paths;
    char *mount_label;
};

#define SPEC_OCI_VERSION "1.0.2"

struct spec {
    char *oci_version;
    struct spec_root *root;
    struct spec_process *process;
    char *hostname;
    char *domainname;
    struct spec_mount *mounts;
    size_t n_mounts;
    struct spec_hooks *hooks;
    struct spec_kv *annotations;
    size_t n_annotations;
    struct spec_linux *linux_; /* "linux" is a predefined macro under gnu11 */
};

/* Parse and validate types; every error names the file and the JSON path
 * ("config.json: process.user.uid: expected unsigned integer, got string"),
 * exit class EXIT_INVALID. */
int spec_parse_file(const char *path, struct spec **out, struct error **err);
int spec_parse_tree(yajl_val root, const char *what, struct spec **out, struct error **err);
/* A process object on its own (runtime exec --process FILE), errors named
 * by FILE and the JSON path. */
int spec_parse_process_file(const char *path, struct spec_process **out, struct error **err);
void spec_process_free(struct spec_process *p);
void spec_process_freep(struct spec_process **p);
#define CLEANUP_SPEC_PROCESS CLEANUP(spec_process_freep)
/* A linux.seccomp object on its own (a seccomp profile file). */
int spec_parse_seccomp(yajl_val v, const char *what, struct spec_seccomp **out, struct error **err);
void spec_seccomp_free(struct spec_seccomp *s);
/* A linux.resources object on its own (`runtime update -r FILE`). */
int spec_parse_resources(yajl_val v, const char *what, struct spec_resources **out, struct error **err);
void spec_resources_free(struct spec_resources *r);

/* Emit as JSON; spec_write_file writes atomically with mode 0644, fsync'ed
 * unless the caller syncs a batch itself (!durable, common/fs.h). */
void spec_emit(const struct spec *s, yajl_gen g);
int spec_write_file(const struct spec *s, const char *path, bool durable, struct error **err);

/* The default config.json of `runtime spec` (runc's defaults: sh, terminal
 * on, default mounts, namespaces pid/network/ipc/uts/mount, masked and
 * read-only paths, the default capability set). */
struct spec *spec_new_default(void);

void spec_free(struct spec *s);
/* Free the device rules and leave none. */
void spec_device_rules_clear(struct spec_resources *r);
void spec_freep(struct spec **s);
#define CLEANUP_SPEC CLEANUP(spec_freep)

/* Helpers for builders and readers. */
const char *spec_annotation(const struct spec *s, const char *key);
void spec_set_annotation(struct spec *s, const char *key, const char *value);
const struct spec_namespace *spec_namespace_find(const struct spec *s, const char *type);
/* Returns the mount with this destination, or NULL. */
struct spec_mount *spec_mount_find(struct spec *s, const char *destination);
/* Is this destination the container's root ("/", "//", ...)? A mount there
 * covers root.path (imagetool's rootless overlay bundles). */
bool spec_mount_covers_root(const char *destination);
/* Does config.json mount something over the rootfs itself? */
bool spec_has_root_mount(const struct spec *s);
void spec_add_mount(struct spec *s, const char *dest, const char *type, const char *source, const char *const *options);

/* ---- spec_rootless.c: the shape of a config an ordinary user can run
 * (runc's `spec --rootless`, specs/rootless.md). */
struct spec_rootless_opts {
    uint32_t uid, gid;        /* the user's ids, mapped to 0 */
    uint32_t subuid, n_subuid; /* a subordinate range mapped from 1 (n 0: none) */
    uint32_t subgid, n_subgid;
    bool keep_netns;          /* keep a network namespace (sysfs then mounts); else none and /sys bound */
    bool keep_limits;         /* the limits can be applied (a delegated cgroup v2 subtree) */
};
/* Rewrite s; *dropped (may be NULL) gets the names of the limits removed. */
void spec_make_rootless(struct spec *s, const struct spec_rootless_opts *o, char ***dropped);
/* Appends to *out the names of the limits r sets (memory, cpu, pids, blkio,
 * hugetlb, unified); device rules are not limits. */
void spec_limit_names(const struct spec_resources *r, char ***out);
#endif
