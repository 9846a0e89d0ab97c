/* File-system helpers shared by both programs. */
#ifndef COMMON_FS_H
#define COMMON_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

int read_all_fd(int fd, char **out, size_t *len, struct error **err);
/* Whole file, NUL-terminated; *len may be NULL. */
int read_file(const char *path, char **out, size_t *len, struct error **err);
int write_all(int fd, const void *buf, size_t len);
/* The one atomic writer of both programs (state.json, pid files, config.json,
 * index.json, ...): a temporary "path.tmp-XXXXXX" with a random name opened
 * O_CREAT|O_EXCL|O_NOFOLLOW beside path, written, chmod'ed to mode, fsync'ed,
 * renamed over path (a symlink at path is replaced, never followed), then
 * the directory fsync'ed. Readers see the old or the new file, never a part. */
int write_file_atomic(const char *path, const void *buf, size_t len, mode_t mode, struct error **err);
/* The same without the fsyncs: readers still see the old or the new file,
 * and the caller makes a batch of such files durable at once (fsync_path on
 * each and on their directory: on a journalling file system the first
 * fsync commits them all and the others find nothing left to do). */
int write_file_atomic_unsynced(const char *path, const void *buf, size_t len, mode_t mode, struct error **err);
/* fsync every path (files and directories, never through a symlink), in
 * order, writeback of all started first: on a journalling file system the
 * first fsync commits them all and the others find little left to do. */
int fsync_batch(const char *const *paths, size_t n, struct error **err);
/* mkdir -p; existing directories are fine. */
int mkdir_p(const char *path, mode_t mode, struct error **err);
/* rm -rf that never follows symlinks and stays on one file system. Missing is fine. */
int rm_rf(const char *path, struct error **err);
int rm_rf_at(int dirfd, const char *name, struct error **err);
bool path_exists(const char *path);
/* Join two path parts with exactly one '/'. */
char *path_join(const char *a, const char *b);

/* Open path beneath rootfd as if rootfd were "/": symlinks and ".." cannot
 * leave it (openat2 RESOLVE_IN_ROOT). flags are open(2) flags. */
int open_in_root(int rootfd, const char *path, int flags, mode_t mode);
/* Open path beneath dirfd, refusing (EXDEV/ELOOP) anything that would
 * resolve outside it: ".." above dirfd, absolute paths, symlinks of any
 * kind, other mounts (openat2 RESOLVE_BENEATH|NO_SYMLINKS|NO_XDEV). */
int open_beneath(int dirfd, const char *path, int flags);
/* mkdir -p beneath rootfd with the same guarantee; returns an O_PATH fd of
 * the last directory, or -1 with errno. */
int mkdir_p_in_root(int rootfd, const char *path, mode_t mode);

/* 1 when the directory has no entries, 0 when it has, -1 (errno) when it
 * cannot be read. */
int dir_is_empty(const char *path);

/* 1 when path (not followed) is the root of a mount, 0 when not, -1 (errno). */
int is_mount_point(const char *path);

#endif
