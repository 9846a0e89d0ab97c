/* Mounts of config.json inside the container's rootfs: option parsing, and
 * targets created and opened beneath the rootfs so that a symlink swapped
 * into the path cannot send a mount outside it (CVE-2021-30465). Every
 * mount lands on "/proc/self/fd/N" of a target opened with RESOLVE_IN_ROOT. */
#ifndef RUNTIME_MOUNTS_H
#define RUNTIME_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/spec.h"

#define MOUNT_MAX_PROPAGATION 8

/* config.json mount options split into what mount(2) takes. */
struct mount_flags {
    unsigned long flags;        /* MS_* set by the options (rbind adds MS_BIND|MS_REC) */
    unsigned long propagation[MOUNT_MAX_PROPAGATION];
    size_t n_propagation;       /* applied one by one after the mount */
    char *data;                 /* unknown options, comma-joined, for the file system */
    uint64_t attr_set, attr_clr; /* "rro", "rnosuid", ...: MOUNT_ATTR_* applied recursively */
    bool tmpcopyup;             /* tmpfs: copy what the target held into it */
    bool copy_symlink;          /* bind of a symlink: make the same symlink instead */
    const char *idmap;          /* "idmap" or "ridmap" when asked (refused: not supported) */
};

/* Parse options; unknown words become data. Fails only on too many
 * propagation flags. */
int mount_flags_parse(char *const *options, struct mount_flags *out, struct error **err);
void mount_flags_release(struct mount_flags *f);
/* Every option word understood (for `features`); returns the count. */
size_t mount_option_names(const char **out, size_t max);
/* "shared", "rslave", ... -> MS_* (0 when the name is not a propagation). */
unsigned long mount_propagation_flag(const char *name);

/* Where mounts go: the rootfs path (for messages) and an O_PATH fd of it. */
struct mount_ctx {
    const char *rootfs;
    int rootfd;
    const struct spec *spec;
    bool new_userns;
    bool defer_dev_ro; /* a read-only /dev is made read-only after its devices */
};

/* "/proc/self/fd/N" for an fd. */
struct fd_path {
    char s[40];
};
struct fd_path fd_path(int fd);

/* "/a/b/c" -> parent "/a/b" and name "c" (both allocated); -1 when path
 * has no last name ("/", ".", ".."). */
int path_split_last(const char *path, char **parent, char **name);

/* Open dest beneath the rootfs as an O_PATH fd; when missing, create it
 * (a directory, or an empty file if want_file) and its parents. */
int target_open(const struct mount_ctx *c, const char *dest, bool want_file, struct error **err);
/* An O_PATH fd of directory path beneath the rootfs, made (with its
 * parents) when missing. */
int target_open_dir(const struct mount_ctx *c, const char *path, struct error **err);
/* Re-open an existing target (e.g. after something was mounted on it). */
int target_reopen(const struct mount_ctx *c, const char *dest, struct error **err);

/* Mount one config.json entry (all types, cgroup included). */
int mount_entry(const struct mount_ctx *c, const struct spec_mount *m, struct error **err);
/* mount_validate.c: every entry checked in the parent before anything is
 * made (the runtime's words; a probed file system's options, through
 * fsopen/fsconfig without creating a superblock); exit 3 naming it. */
int mounts_validate(const struct spec *s, struct error **err);
/* One entry's words parsed and checked (an empty destination, the
 * runtime's own options, mount_check_words); bind: a bind mount. On
 * failure f holds nothing to release. */
int mount_entry_parse(const struct spec_mount *m, struct mount_flags *f, bool *bind, struct error **err);
/* idmap, tmpcopyup on a non-tmpfs, copy-symlink on a non-bind: refused. */
int mount_check_words(const struct spec_mount *m, const struct mount_flags *f, bool bind, struct error **err);
/* The two halves of mount_entry, for callers that build entries themselves. */
int mount_entry_bind(const struct mount_ctx *c, const struct spec_mount *m, const struct mount_flags *f,
                     struct error **err);
int mount_entry_fs(const struct mount_ctx *c, const struct spec_mount *m, const struct mount_flags *f,
                   struct error **err);
/* Bind (MS_REC: recursively) the tree at src onto dst with the per-mount
 * flags of flags, set before the clone is attached. Returns an fd of the
 * attached mount, or -1 with errno. */
int mount_bind_fd(int src, int dst, unsigned long flags);
/* Remount the mount at fd with flags | MS_REMOUNT | MS_BIND, keeping the
 * flags the kernel locks (nosuid, nodev, ... inherited in a user namespace). */
int mount_remount_fd(int fd, unsigned long flags);
/* MS_RDONLY, MS_NOSUID, ... as the mount at fd has them now. */
unsigned long mount_current_flags(int fd);
/* Apply propagation flags one by one to the mount at fd, then the
 * recursive attributes (mount_setattr with AT_RECURSIVE). */
int mount_propagate_fd(int fd, const struct mount_flags *f);
/* Does f ask for anything after the mount itself (propagation, r* attributes)? */
bool mount_flags_have_after(const struct mount_flags *f);

/* tmpcopyup: copy the tree under from_dir (the directory a tmpfs now
 * covers) into to_dir (the tmpfs). where names the target in messages. */
int mount_copy_up(int from_dir, int to_dir, const char *where, struct error **err);

/* The cgroup file system entry (v1: tmpfs + per-controller binds, v2: cgroup2). */
int mount_cgroup(const struct mount_ctx *c, const struct spec_mount *m, const struct mount_flags *f,
                 struct error **err);

#endif
