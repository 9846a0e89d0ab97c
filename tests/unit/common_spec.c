/* config.json model: round trip of the default, field parsing, and the JSON
 * path named by type errors. */
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/spec.h"
#include "common/xalloc.h"
#include "tap.h"

static char *emit(const struct spec *s)
{
    CLEANUP_JSON_GEN yajl_gen g = json_gen_new(false);
    spec_emit(s, g);
    return xstrdup(jg_text(g, NULL));
}

static struct spec *parse_text(const char *text, struct error **err)
{
    CLEANUP_JSON yajl_val v = NULL;
    struct spec *s = NULL;
    if (json_parse(text, strlen(text), "config.json", &v, err) < 0)
        return NULL;
    if (spec_parse_tree(v, "config.json", &s, err) < 0)
        return NULL;
    return s;
}

static void test_round_trip(void)
{
    CLEANUP_SPEC struct spec *def = spec_new_default();
    CLEANUP_FREE char *first = emit(def);
    CLEANUP_ERROR struct error *err = NULL;
    CLEANUP_SPEC struct spec *again = parse_text(first, &err);
    ok(again != NULL, "default spec parses back%s%s", err ? ": " : "", err ? err->msg : "");
    if (again == NULL)
        return;
    CLEANUP_FREE char *second = emit(again);
    is_str(second, first, "emit(parse(emit(default))) == emit(default)");
    is_str(again->process->args[0], "sh", "default args");
    ok(again->linux_->n_namespaces == 5, "five default namespaces");
    ok(again->root->readonly, "root readonly");
}

static void test_fields(void)
{
    const char *text = "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"/bin/true\"],\"cwd\":\"/\","
                       "\"user\":{\"uid\":1000,\"gid\":100,\"additionalGids\":[5,6]},\"oomScoreAdj\":-500,"
                       "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":4096,\"soft\":2048}]},"
                       "\"linux\":{\"resources\":{\"memory\":{\"limit\":209715200},\"cpu\":{\"shares\":1024,"
                       "\"quota\":100000,\"period\":100000},\"pids\":{\"limit\":64}},"
                       "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
                       "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":1,\"value\":18446744073709551615,"
                       "\"op\":\"SCMP_CMP_EQ\"}]}]},"
                       "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]}}";
    CLEANUP_ERROR struct error *err = NULL;
    CLEANUP_SPEC struct spec *s = parse_text(text, &err);
    ok(s != NULL, "full example parses%s%s", err ? ": " : "", err ? err->msg : "");
    if (s == NULL)
        return;
    ok(s->process->user.uid == 1000 && s->process->user.n_additional_gids == 2 &&
           s->process->user.additional_gids[1] == 6, "user and additionalGids");
    ok(s->process->has_oom_score_adj && s->process->oom_score_adj == -500, "oomScoreAdj");
    ok(s->process->n_rlimits == 1 && s->process->rlimits[0].soft == 2048, "rlimits");
    ok(s->linux_->resources->has_memory && s->linux_->resources->memory.limit == 209715200, "memory limit");
    ok(s->linux_->resources->has_pids_limit && s->linux_->resources->pids_limit == 64, "pids limit");
    ok(s->linux_->seccomp->syscalls[0].args[0].value == UINT64_MAX, "64-bit seccomp argument value");
    ok(s->linux_->n_uid_mappings == 1 && s->linux_->uid_mappings[0].host_id == 100000, "uidMappings");
}

static void expect_error(const char *text, const char *want, const char *what)
{
    CLEANUP_ERROR struct error *err = NULL;
    CLEANUP_SPEC struct spec *s = parse_text(text, &err);
    ok(s == NULL && err && strstr(err->msg, want) != NULL && err->exit_class == EXIT_INVALID, "%s", what);
    if (err && strstr(err->msg, want) == NULL)
        printf("#   got: '%s'\n#  want substring: '%s'\n", err->msg, want);
}

static void test_errors(void)
{
    expect_error("{\"ociVersion\":\"1.0.2\",\"process\":{\"user\":{\"uid\":\"root\"}}}",
                 "config.json: process.user.uid: expected unsigned integer, got string", "uid type error names path");
    expect_error("{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"a\",3]}}",
                 "process.args[1]: expected string, got integer", "args element type error");
    expect_error("{\"ociVersion\":\"1.0.2\",\"linux\":{\"namespaces\":[{\"type\":\"bogus\"}]}}",
                 "linux.namespaces[0].type: unknown namespace type", "unknown namespace");
    expect_error("{\"process\":{}}", "ociVersion: missing", "missing ociVersion");
    expect_error("{\"ociVersion\":1}", "ociVersion: expected string, got integer", "mistyped required member");
    expect_error("{\"ociVersion\":", "config.json: malformed JSON", "malformed JSON");
    expect_error("{\"ociVersion\":\"1\",\"mounts\":[{\"type\":\"proc\"}]}", "mounts[0].destination: missing",
                 "mount without destination");
}

int main(void)
{
    test_round_trip();
    test_fields();
    test_errors();
    return tap_done();
}
