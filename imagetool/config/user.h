/* The image's User field ("name", "uid", "uid:gid", "name:group",
 * "uid:group", ...) resolved against the image's own /etc/passwd and
 * /etc/group, read beneath the rootfs so no symlink can point elsewhere. */
#ifndef IMAGETOOL_CONFIG_USER_H
#define IMAGETOOL_CONFIG_USER_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct resolved_user {
    uint32_t uid, gid;
    uint32_t *additional_gids; /* groups listing the user, when no group is given */
    size_t n_additional_gids;
    char *name;                /* the passwd entry's name, or NULL without one */
    char *home;                /* from /etc/passwd, or "/" when the user has no entry */
};

/* user_spec NULL or "" means root (uid 0). An unknown user or group name is
 * EXIT_INVALID naming the file it was looked up in. */
int user_resolve(int rootfd, const char *user_spec, struct resolved_user *out, struct error **err);
void resolved_user_clear(struct resolved_user *u);

/* Parsers for one line of /etc/passwd or /etc/group; 0 on success, -1 when
 * the line is not an entry. Fields point into line, which they modify. */
struct passwd_entry {
    char *name;
    uint32_t uid, gid;
    char *home;
};
struct group_entry {
    char *name;
    uint32_t gid;
    char *members; /* comma-separated */
};
int passwd_parse_line(char *line, struct passwd_entry *out);
int group_parse_line(char *line, struct group_entry *out);
/* Decimal uint32 only, the whole string. */
int parse_id(const char *s, uint32_t *out);
/* Read an /etc file of the rootfs whole (NUL-terminated). A missing file
 * gives *out = NULL and 0; anything but a regular file is EXIT_INVALID. */
int etc_file_read(int rootfd, const char *path, char **out, struct error **err);

#endif
