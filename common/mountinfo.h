/* /proc/PID/mountinfo, one entry at a time, with the kernel's octal
 * escapes (\040 space, \011 tab, \012 newline, \134 backslash, and any
 * other \ooo a file system's options use) decoded in every field.
 *
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   (1)(2)(3)   (4)   (5)      (6)      (7)    (8) (9)   (10)         (11)
 */
#ifndef COMMON_MOUNTINFO_H
#define COMMON_MOUNTINFO_H

#include <stdbool.h>

#include "error.h"

struct mountinfo_entry {
    int mount_id;        /* (1) */
    int parent_id;       /* (2) */
    unsigned major;      /* (3) */
    unsigned minor;
    char *root;          /* (4) the path in the file system mounted here */
    char *mount_point;   /* (5) */
    char *options;       /* (6) per-mount options: "rw,nosuid" */
    char *optional;      /* (7) "shared:1 master:2", "" when none */
    char *fstype;        /* (9) "ext4", "fuse.sshfs" */
    char *source;        /* (10) "/dev/vda", "none" */
    char *super_options; /* (11) per-superblock options */
};

struct mountinfo;

/* Read /proc/self/mountinfo (path NULL) or another file in its format:
 * the entries are a snapshot, so the caller may mount and unmount while
 * it walks them. */
int mountinfo_open(const char *path, struct mountinfo **out, struct error **err);
/* 1 with *e set (valid until the next call), 0 at the end, -1 on a read
 * error or a line not in the format (named by its number). */
int mountinfo_next(struct mountinfo *mi, const struct mountinfo_entry **e, struct error **err);
void mountinfo_close(struct mountinfo *mi);
static inline void mountinfo_closep(struct mountinfo **mi)
{
    mountinfo_close(*mi);
}
#define CLEANUP_MOUNTINFO CLEANUP(mountinfo_closep)

/* Split one line (no newline) in place into *e; false if malformed. */
bool mountinfo_parse_line(char *line, struct mountinfo_entry *e);
/* Decode the octal escapes of s in place. */
void mountinfo_unescape(char *s);
/* Does the optional-fields list hold a tag ("shared", "master", "unbindable")? */
bool mountinfo_has_tag(const struct mountinfo_entry *e, const char *tag);
/* Is path the mount point or below it ("/" covers everything)? */
bool mountinfo_covers(const struct mountinfo_entry *e, const char *path);
/* Is path dir itself or below it (by components: "/a b" is not below "/a")? */
bool path_within(const char *path, const char *dir);

#endif
