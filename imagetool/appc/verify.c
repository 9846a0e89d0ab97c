/* A keyring of the keys trusted for a name, then gpgv over it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/base64.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "imagetool/appc/verify.h"

extern char **environ;

#define ARMOR_BEGIN "-----BEGIN PGP PUBLIC KEY BLOCK-----"

/* An armoured key's packets (base64 between the headers' blank line and
 * the checksum line). */
static int dearmor(const char *text, FILE *out, const char *path, struct error **err)
{
    const char *p = strstr(text, ARMOR_BEGIN);
    p = p ? strstr(p, "\n\n") : NULL;
    if (!p && (p = strstr(text, ARMOR_BEGIN)) != NULL)
        p = strstr(p, "\r\n\r\n");
    if (!p)
        return error_setc(err, EXIT_INVALID, 0, "%s: malformed armoured key", path);
    struct base64_decode_ctx ctx;
    base64_decode_init(&ctx);
    uint8_t buf[BASE64_DECODE_LENGTH(64)];
    int ok = 1;
    for (const char *line = p; *line && ok;) {
        while (*line == '\n' || *line == '\r')
            line++;
        size_t len = strcspn(line, "\r\n");
        if (len == 0 || line[0] == '=' || line[0] == '-')
            break;
        for (size_t off = 0; off < len && ok; off += 64) {
            size_t chunk = len - off < 64 ? len - off : 64, n = sizeof(buf);
            ok = base64_decode_update(&ctx, &n, buf, chunk, line + off);
            fwrite(buf, 1, n, out);
        }
        line += len;
    }
    if (ok)
        ok = base64_decode_final(&ctx);
    return ok ? 0 : error_setc(err, EXIT_INVALID, 0, "%s: bad base64 in armoured key", path);
}

/* Every regular file directly in dir into the keyring; the count in *n. */
static int add_dir(const char *dir, FILE *ring, int *n, struct error **err)
{
    CLEANUP_CLOSEDIR DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT || errno == ENOTDIR ? 0 : error_set(err, errno, "--trust-keys: %s", dir);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        CLEANUP_FREE char *path = xasprintf("%s/%s", dir, de->d_name);
        struct stat st;
        if (de->d_name[0] == '.' || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
            continue;
        CLEANUP_FREE char *buf = NULL;
        size_t len = 0;
        if (read_file(path, &buf, &len, err) < 0)
            return -1;
        if (len >= strlen(ARMOR_BEGIN) && memmem(buf, len, ARMOR_BEGIN, strlen(ARMOR_BEGIN))) {
            if (dearmor(buf, ring, path, err) < 0)
                return -1;
        } else {
            fwrite(buf, 1, len, ring);
        }
        (*n)++;
    }
    return 0;
}

/* DIR, DIR/a, DIR/a/b, ... for name "a/b/..." */
static int build_keyring(const char *trust, const char *name, const char *ring_path, int *n, struct error **err)
{
    FILE *ring = fopen(ring_path, "we");
    if (!ring)
        return error_set(err, errno, "%s", ring_path);
    int r = add_dir(trust, ring, n, err);
    for (const char *p = name; r == 0 && *p;) {
        p += strcspn(p, "/");
        CLEANUP_FREE char *dir = xasprintf("%s/%.*s", trust, (int)(p - name), name);
        r = add_dir(dir, ring, n, err);
        while (*p == '/')
            p++;
    }
    if (fclose(ring) != 0 && r == 0)
        r = error_set(err, errno, "%s", ring_path);
    return r;
}

/* gpgv's exit status; its output (the reason) in out. */
static int run_gpgv(const char *home, const char *ring, const char *sig, const char *aci, const char *out)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    char *argv[] = { "gpgv", "--homedir", (char *)home, "--keyring", (char *)ring, (char *)sig, (char *)aci, NULL };
    pid_t pid;
    int rc = posix_spawnp(&pid, "gpgv", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return -rc;
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static char *last_line(const char *path)
{
    CLEANUP_FREE char *buf = NULL;
    size_t len = 0;
    if (read_file(path, &buf, &len, NULL) < 0 || len == 0)
        return xstrdup("no output");
    while (len > 0 && buf[len - 1] == '\n')
        buf[--len] = '\0';
    char *nl = strrchr(buf, '\n');
    return xstrdup(nl ? nl + 1 : buf);
}

static int verify_in(const char *tmp, const char *trust, const char *name, const char *aci, const char *sig,
                     struct error **err)
{
    CLEANUP_FREE char *ring = xasprintf("%s/trusted.gpg", tmp);
    CLEANUP_FREE char *out = xasprintf("%s/gpgv.out", tmp);
    int n = 0;
    if (build_keyring(trust, name, ring, &n, err) < 0)
        return -1;
    if (n == 0)
        return error_setc(err, EXIT_NOTFOUND, 0, "%s: --trust-keys %s holds no key trusted for it", name, trust);
    int rc = run_gpgv(tmp, ring, sig, aci, out);
    if (rc < 0)
        return error_set(err, -rc, "gpgv (install Debian's gpgv)");
    if (rc != 0) {
        CLEANUP_FREE char *why = last_line(out);
        return error_setc(err, EXIT_INVALID, 0, "%s: the signature does not verify with the keys trusted in %s (%s)",
                          name, trust, why);
    }
    log_info("%s: signature verified with the keys in %s", name, trust);
    return 0;
}

int appc_verify(const char *trust_dir, const char *name, const char *aci, const char *sig, struct error **err)
{
    const char *tmpdir = getenv("TMPDIR");
    CLEANUP_FREE char *tmp = xasprintf("%s/imagetool-gpgv-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(tmp))
        return error_set(err, errno, "mkdtemp %s", tmp);
    int r = verify_in(tmp, trust_dir, name, aci, sig, err);
    CLEANUP_ERROR struct error *rm_err = NULL;
    rm_rf(tmp, &rm_err);
    return r;
}
