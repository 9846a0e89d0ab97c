# A test user for the rootless suites: made in setup_file, removed in
# teardown_file, with subordinate ids the suite writes itself (useradd is
# told not to allocate any) and copies of the binaries it can execute
# wherever the checkout lives. Load after helpers.
#
#   rootless_user_create     sets RL_USER RL_UID RL_GID RL_HOME RL_SUBID RL_BIN
#   as_user CMD...           CMD as the user: own HOME, XDG_RUNTIME_DIR, PATH
#   rootless_user_remove
#
# A suite that loads it gets the hooks below (the user made for the suite,
# loaded for each test, removed at the end); it may define its own after
# the load.

RL_SUBCOUNT=65536

setup_file() {
    rootless_user_create
}

teardown_file() {
    rootless_user_remove
}

setup() {
    rootless_user_load
}

rootless_user_create() {
    command -v useradd >/dev/null || skip "useradd is not installed"
    command -v setpriv >/dev/null || skip "setpriv is not installed"
    [ "$(id -u)" = 0 ] || skip "creating the test user needs root"
    [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" -gt 0 ] ||
        skip "user namespaces are disabled on this host"
    RL_USER="rl$$x${RANDOM}"
    RL_HOME=$(mktemp -d /tmp/rootless-home.XXXXXX)
    useradd -M -d "$RL_HOME" -s /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$RL_USER"
    RL_UID=$(id -u "$RL_USER")
    RL_GID=$(id -g "$RL_USER")
    chown "$RL_UID:$RL_GID" "$RL_HOME"
    chmod 755 "$RL_HOME"
    # a range no other entry uses
    local top
    top=$(cat /etc/subuid /etc/subgid 2>/dev/null | awk -F: '$2+$3 > m {m = $2+$3} END {print m+0}')
    RL_SUBID=$(( top > 1000000 ? top + 65536 : 1065536 ))
    echo "$RL_USER:$RL_SUBID:$RL_SUBCOUNT" >>/etc/subuid
    echo "$RL_USER:$RL_SUBID:$RL_SUBCOUNT" >>/etc/subgid
    RL_BIN="$RL_HOME/bin"
    mkdir -p "$RL_BIN" "$RL_HOME/run"
    cp "$RUNTIME" "$IMAGETOOL" "$RL_BIN/"
    chown -R "$RL_UID:$RL_GID" "$RL_BIN" "$RL_HOME/run"
    chmod 700 "$RL_HOME/run"
    export RL_USER RL_UID RL_GID RL_HOME RL_SUBID RL_BIN
    # what the suite's tests need to find again
    declare -p RL_USER RL_UID RL_GID RL_HOME RL_SUBID RL_BIN >"$BATS_FILE_TMPDIR/rl-user"
}

rootless_user_load() {
    [ -f "$BATS_FILE_TMPDIR/rl-user" ] || skip "no test user"
    # shellcheck disable=SC1091
    source "$BATS_FILE_TMPDIR/rl-user"
}

# Our subordinate lines only, whatever else the files hold.
rootless_user_remove() {
    [ -f "$BATS_FILE_TMPDIR/rl-user" ] || return 0
    rootless_user_load
    local f
    for f in /etc/subuid /etc/subgid; do
        [ -f "$f" ] && sed -i "/^$RL_USER:/d" "$f"
    done
    userdel "$RL_USER" 2>/dev/null || true
    rm -rf "$RL_HOME"
}

as_user() {
    setpriv --reuid="$RL_UID" --regid="$RL_GID" --init-groups --reset-env \
        env HOME="$RL_HOME" XDG_RUNTIME_DIR="$RL_HOME/run" PATH="$RL_BIN:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin" \
        "$@"
}

# user_dir NAME: a directory the user owns, under the suite's tmpdir made
# reachable for it.
user_dir() {
    local d="$RL_HOME/t/$1"
    mkdir -p "$d"
    chown "$RL_UID:$RL_GID" "$RL_HOME/t" "$d"
    echo "$d"
}
