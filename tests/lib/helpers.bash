# Shared bats helpers. Suites load it with: load ../lib/helpers
# RUNTIME and IMAGETOOL are absolute paths set by the Makefile.

# `run !` and `run -N` need bats 1.5 (Debian 12 has 1.8).
bats_require_minimum_version 1.5.0

: "${RUNTIME:?run the suites through make check or make bats}"
: "${IMAGETOOL:?}"
SHARED_DIR="${PROJECT_ROOT}/../shared"
SHARED_IMAGES="${SHARED_DIR}/images/real"
BUSYBOX=/bin/busybox

# Fail the test with a message.
fail() {
    echo "FAIL: $*" >&2
    return 1
}

# Skip unless ../shared/images/real exists (it is absent in a user's clone).
require_shared_images() {
    [ -d "$SHARED_IMAGES" ] || skip "../shared/images/real is absent (not a project checkout with shared/)"
}

# make_busybox_rootfs DIR: a minimal rootfs with busybox-static and its applets.
make_busybox_rootfs() {
    local root=$1
    mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,root,usr/bin,usr/sbin,var}
    cp "$BUSYBOX" "$root/bin/busybox"
    local applet
    for applet in $("$BUSYBOX" --list); do
        [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
    chmod 1777 "$root/tmp"
}

# make_bundle DIR [ARGS...]: a bundle with a busybox rootfs and the config.json
# of `runtime spec`, with process.args set to ARGS (default: sh) and terminal off.
make_bundle() {
    local dir=$1
    shift
    mkdir -p "$dir"
    make_busybox_rootfs "$dir/rootfs"
    (cd "$dir" && "$RUNTIME" spec) || return 1
    local args='["sh"]'
    [ $# -gt 0 ] && args=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
    config_edit "$dir" ".process.args = $args | .process.terminal = false"
}

# config_edit BUNDLE JQ-FILTER: rewrite BUNDLE/config.json through jq.
config_edit() {
    local cfg="$1/config.json"
    jq "$2" "$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"
}

# path_searchable DIR: every directory above DIR, up to / or /tmp, searchable
# by all, so that ids mapped into a user namespace can reach DIR (a bundle's
# rootfs).
path_searchable() {
    local d=$1
    while d=$(dirname "$d"); [ "$d" != / ] && [ "$d" != /tmp ]; do chmod a+x "$d"; done
}

# wait_until TENTHS CMD...: run CMD every tenth of a second until it
# succeeds, TENTHS times at most; fails when it never did.
wait_until() {
    local n=$1 i
    shift
    for i in $(seq "$n"); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

# prints WANT CMD...: CMD's standard output is WANT (for wait_until).
prints() {
    local want=$1
    shift
    [ "$("$@")" = "$want" ]
}

# unique_id: a container id unique to this test.
unique_id() {
    echo "t$$-${BATS_TEST_NUMBER:-0}-$RANDOM"
}

# help_lines_described HELP: every option line of a --help text ("  -x, --name
# VALUE   what it does") has a description, on its line or the next.
help_lines_described() {
    local line prev=""
    local flag_only='^ +(-., )?--[a-z-]+(\[=[A-Z]+\])?( [^ ]+)?$'
    while IFS= read -r line; do
        if [[ "$prev" =~ $flag_only ]] && [[ ! "$line" =~ ^\ {20,}[^\ ] ]]; then
            echo "no description: $prev" >&2
            return 1
        fi
        prev=$line
    done <<<"$(sed -n '/^Options:/,$p; /^Global options:/,/^$/p' <<<"$1")"
    [[ ! "$prev" =~ $flag_only ]]
}

# unmount_test_bundles: the default backend's bundles are mounts (an overlay
# over loop-mounted layer images): none outlives its test, whatever failed.
unmount_test_bundles() {
    local m
    for m in $(awk '{print $5}' /proc/self/mountinfo | grep "^$BATS_TEST_TMPDIR/" | sort -r); do
        umount "$m" 2>/dev/null || true
    done
}

# process_gone PID: the process has exited (gone, or a zombie its new
# parent has not reaped yet: exited processes of a container are reparented).
process_gone() {
    ! kill -0 "$1" 2>/dev/null || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || echo Z)" = Z ]
}
