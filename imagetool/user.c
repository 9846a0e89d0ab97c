/* Resolving the image's User field against its /etc/passwd and /etc/group,
 * as the OCI image-spec's conversion rules and Docker do. */
#include <stdbool.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "imagetool/user.h"

/* Next line of a buffer being consumed in place. */
static char *next_line(char **cursor)
{
    char *line = *cursor;
    if (!line || !*line)
        return NULL;
    char *nl = strchr(line, '\n');
    if (nl) {
        *nl = '\0';
        *cursor = nl + 1;
    } else {
        *cursor = line + strlen(line);
    }
    return line;
}

/* Find a passwd entry by name (name != NULL) or by uid; copies home. */
static bool passwd_find(const char *passwd, const char *name, uint32_t uid, uint32_t *uid_out,
                        uint32_t *gid_out, char **home_out)
{
    if (!passwd)
        return false;
    CLEANUP_FREE char *copy = xstrdup(passwd);
    char *cursor = copy, *line;
    struct passwd_entry e;
    while ((line = next_line(&cursor))) {
        if (passwd_parse_line(line, &e) < 0)
            continue;
        if (name ? strcmp(e.name, name) != 0 : e.uid != uid)
            continue;
        *uid_out = e.uid;
        *gid_out = e.gid;
        *home_out = xstrdup(e.home ? e.home : "/");
        return true;
    }
    return false;
}

static bool group_find(const char *group, const char *name, uint32_t *gid_out)
{
    if (!group)
        return false;
    CLEANUP_FREE char *copy = xstrdup(group);
    char *cursor = copy, *line;
    struct group_entry e;
    while ((line = next_line(&cursor))) {
        if (group_parse_line(line, &e) == 0 && strcmp(e.name, name) == 0) {
            *gid_out = e.gid;
            return true;
        }
    }
    return false;
}

static bool member_of(const char *members, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = members; *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && strncmp(p, name, n) == 0)
            return true;
        p += len;
        if (*p == ',')
            p++;
    }
    return false;
}

static void add_gid(struct resolved_user *u, uint32_t gid)
{
    for (size_t i = 0; i < u->n_additional_gids; i++)
        if (u->additional_gids[i] == gid)
            return;
    u->additional_gids = xrealloc(u->additional_gids, (u->n_additional_gids + 1) * sizeof(uint32_t));
    u->additional_gids[u->n_additional_gids++] = gid;
}

/* Every group of /etc/group that lists name as a member. */
static void collect_groups(const char *group, const char *name, struct resolved_user *u)
{
    if (!group)
        return;
    CLEANUP_FREE char *copy = xstrdup(group);
    char *cursor = copy, *line;
    struct group_entry e;
    while ((line = next_line(&cursor)))
        if (group_parse_line(line, &e) == 0 && member_of(e.members, name))
            add_gid(u, e.gid);
}

static int resolve_user_part(int rootfd, const char *user, struct resolved_user *out, struct error **err)
{
    CLEANUP_FREE char *passwd = NULL;
    if (etc_file_read(rootfd, "/etc/passwd", &passwd, err) < 0)
        return -1;
    uint32_t uid = 0;
    bool numeric = !*user || parse_id(user, &uid) == 0;
    if (passwd_find(passwd, numeric ? NULL : user, uid, &out->uid, &out->gid, &out->home))
        return 0;
    if (!numeric)
        return error_setc(err, EXIT_INVALID, 0, "user \"%s\": no such user in the image's /etc/passwd", user);
    out->uid = uid;
    out->gid = 0;
    out->home = xstrdup("/");
    return 0;
}

static int resolve_group_part(int rootfd, const char *grp, struct resolved_user *out, struct error **err)
{
    if (!*grp)
        return error_setc(err, EXIT_INVALID, 0, "user: empty group after ':'");
    if (parse_id(grp, &out->gid) == 0)
        return 0;
    CLEANUP_FREE char *group = NULL;
    if (etc_file_read(rootfd, "/etc/group", &group, err) < 0)
        return -1;
    if (!group_find(group, grp, &out->gid))
        return error_setc(err, EXIT_INVALID, 0, "group \"%s\": no such group in the image's /etc/group", grp);
    return 0;
}

int user_resolve(int rootfd, const char *user_spec, struct resolved_user *out, struct error **err)
{
    memset(out, 0, sizeof(*out));
    CLEANUP_FREE char *user = xstrdup(user_spec ? user_spec : "");
    char *grp = strchr(user, ':');
    if (grp)
        *grp++ = '\0';
    if (resolve_user_part(rootfd, user, out, err) < 0 ||
        (grp && resolve_group_part(rootfd, grp, out, err) < 0)) {
        resolved_user_clear(out);
        return -1;
    }
    uint32_t ignored;
    if (grp || !*user || parse_id(user, &ignored) == 0)
        return 0;
    CLEANUP_FREE char *group = NULL;
    if (etc_file_read(rootfd, "/etc/group", &group, err) < 0) {
        resolved_user_clear(out);
        return -1;
    }
    collect_groups(group, user, out);
    return 0;
}

void resolved_user_clear(struct resolved_user *u)
{
    free(u->additional_gids);
    free(u->home);
    memset(u, 0, sizeof(*u));
}
