/* OCI hooks (config.json "hooks"): each one a program run with the
 * container's state JSON on its stdin, its args and env, and an optional
 * timeout in seconds. Who runs which kind, and when (runtime-spec):
 *   prestart, createRuntime  the runtime, in its namespaces, during create,
 *                            once the mounts are made, before pivot_root
 *   createContainer          the init, in the container's namespaces,
 *                            right after them, before pivot_root
 *   startContainer           the init, after start, before the exec of
 *                            the process (paths resolve in the container)
 *   poststart                the runtime, after the process started,
 *                            before start (or run) goes on
 *   poststop                 the runtime, after delete (and after run's
 *                            end, and a failed create) */
#ifndef RUNTIME_HOOKS_H
#define RUNTIME_HOOKS_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "common/spec.h"

/* The state a hook reads: ociVersion, id, status, pid, bundle, annotations. */
char *hooks_state_json(const struct spec *s, const char *id, const char *bundle, pid_t pid, const char *status);

bool hooks_any(const struct spec *s, enum spec_hook_kind k);

/* Run the hooks of kind k in order; the first failure stops them: -1 with
 * an error naming it ("hooks.prestart[1]: /bin/x: exit status 3: <its
 * last line of output>"). */
int hooks_run(const struct spec *s, enum spec_hook_kind k, const char *state_json, struct error **err);
/* Run them all; failures are warnings (poststop). */
void hooks_run_warn(const struct spec *s, enum spec_hook_kind k, const char *state_json);

#endif
