/* Resolving the image's User field against its /etc/passwd and /etc/group,
 * as the OCI image-spec's conversion rules and Docker do. */
#include <stdbool.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "imagetool/config/user.h"

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

/* Find a passwd entry by name (name != NULL) or by uid; copies its name
 * and home into u. */
static bool passwd_find(const char *passwd, const char *name, uint32_t uid, struct resolved_user *u)
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
        u->uid = e.uid;
        u->gid = e.gid;
        u->name = xstrdup(e.name);
        u->home = xstrdup(e.home ? e.home : "/");
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
    if (passwd_find(passwd, numeric ? NULL : user, uid, out))
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

/* Ids above 2^31-1 are refused: (uid_t)-1 makes setresuid(2) a no-op, so
 * 4294967295 would leave the process running as root. */
#define ID_MAX 2147483647u

static int check_ids(const char *user_spec, const struct resolved_user *u, struct error **err)
{
    const char *what = u->uid > ID_MAX ? "uid" : u->gid > ID_MAX ? "gid" : NULL;
    uint32_t bad = u->uid > ID_MAX ? u->uid : u->gid;
    for (size_t i = 0; !what && i < u->n_additional_gids; i++)
        if (u->additional_gids[i] > ID_MAX) {
            what = "additional gid";
            bad = u->additional_gids[i];
        }
    if (!what)
        return 0;
    return error_setc(err, EXIT_INVALID, 0, "user \"%s\": %s %u is outside 0..%u", user_spec ? user_spec : "",
                      what, bad, ID_MAX);
}

static int resolve(int rootfd, const char *user_spec, struct resolved_user *out, struct error **err)
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
    /* Docker's rule: without an explicit group, the supplementary groups
     * are those listing the user's passwd name (root by default). */
    if (grp || out->name == NULL)
        return 0;
    CLEANUP_FREE char *group = NULL;
    if (etc_file_read(rootfd, "/etc/group", &group, err) < 0) {
        resolved_user_clear(out);
        return -1;
    }
    collect_groups(group, out->name, out);
    return 0;
}

int user_resolve(int rootfd, const char *user_spec, struct resolved_user *out, struct error **err)
{
    if (resolve(rootfd, user_spec, out, err) < 0)
        return -1;
    if (check_ids(user_spec, out, err) < 0) {
        resolved_user_clear(out);
        return -1;
    }
    return 0;
}

void resolved_user_clear(struct resolved_user *u)
{
    free(u->additional_gids);
    free(u->name);
    free(u->home);
    memset(u, 0, sizeof(*u));
}
