#!/usr/bin/env bats
# aci:FILE: App Container Images built by the tests (busybox; gzip, xz,
# bzip2, zstd and plain; with dependencies and a pathWhitelist), the real
# ACI in ../shared/images/real, and bad ones. actool (Debian's appc-spec)
# is the oracle for which manifests are valid.

load ../lib/helpers
load ../lib/aci
load unpack_helpers

setup() {
    S="$BATS_TEST_TMPDIR/store"
    T="$BATS_TEST_TMPDIR"
}

it() { "$IMAGETOOL" --store "$S" "$@"; }

# names in the store, one a line
store_names() { it images --format json | jq -r '.[].name // empty' | sort; }

@test "aci: a gzip ACI unpacks: rootfs, app.exec, environment, workingDirectory, user, image ID and names" {
    busybox_aci "$T/hello.aci" example.com/hello \
        '.app.environment = [{name: "GREETING", value: "hi"}] | .app.workingDirectory = "/etc" | .app.user = "root"'
    actool validate "$T/hello.aci"
    run it unpack -q "aci:$T/hello.aci" "$T/b"
    [ "$status" -eq 0 ]
    [ "$(cat "$T/b/rootfs/etc/issue")" = "Welcome to example.com/hello" ]
    [ -x "$T/b/rootfs/bin/busybox" ]
    [ ! -e "$T/b/rootfs/manifest" ]
    [ "$(jq -c .process.args "$T/b/config.json")" = '["/bin/sh","-c","cat /etc/issue"]' ]
    [ "$(jq -r .process.cwd "$T/b/config.json")" = /etc ]
    jq -e '.process.env | index("GREETING=hi")' "$T/b/config.json"
    [ "$(jq -c .process.user "$T/b/config.json")" = '{"uid":0,"gid":0}' ]
    [ "$(jq -r '.annotations["org.appc.image.name"]' "$T/b/config.json")" = example.com/hello ]
    local id
    id=$(aci_id "$T/hello.aci")
    store_names | grep -qx "appc:$id"
    store_names | grep -qx "appc:example.com/hello,arch=$(aci_arch),os=linux,version=1.0"
    store_names | grep -qx "aci:$T/hello.aci"
}

@test "aci: plain, xz, bzip2 and zstd ACIs of the same tar give the same image ID and layer" {
    local root="$T/root"
    make_busybox_rootfs "$root"
    local m c
    m=$(aci_app_manifest example.com/comp)
    for c in gzip xz bzip2 zstd plain; do
        make_aci "$T/c.$c.aci" "$m" "$root" "$c"
        run it unpack -q "aci:$T/c.$c.aci" "$T/b-$c"
        [ "$status" -eq 0 ]
        [ -x "$T/b-$c/rootfs/bin/busybox" ]
    done
    [ "$(store_names | grep -c '^appc:sha512-')" = 1 ]
    [ "$(it inspect "aci:$T/c.xz.aci" | jq -r '.manifest.layers[0].digest')" = \
      "$(it inspect "aci:$T/c.zstd.aci" | jq -r '.manifest.layers[0].digest')" ]
    [ "$(store_names | grep -x "appc:$(aci_id "$T/c.plain.aci")")" ]
}

@test "aci: the real docker2aci alpine ACI renders exactly its EXPECTED tree; with no app it needs a command" {
    require_shared_images
    local d="$SHARED_IMAGES/alpngxrkt-alpine-3.3-aci"
    run it unpack -q "aci:$d/alpine.aci" "$T/b"
    [ "$status" -eq 2 ]
    [[ "$output" == *"no app"*"command"* ]]
    [ ! -e "$T/b" ]
    run it unpack -q "aci:$d/alpine.aci" "$T/b" /bin/cat /etc/alpine-release
    [ "$status" -eq 0 ]
    python3 "$PROJECT_ROOT/tests/lib/tree-listing.py" "$T/b/rootfs" >"$T/got.txt"
    diff -u "$d/EXPECTED/alpine.rootfs.txt" "$T/got.txt"
    [ "$(jq -c .process.args "$T/b/config.json")" = '["/bin/cat","/etc/alpine-release"]' ]
}

@test "aci: a second unpack of the same ACI writes no blob" {
    busybox_aci "$T/a.aci" example.com/again
    it unpack -q "aci:$T/a.aci" "$T/b1"
    local before
    before=$(ls -l --time-style=+%s.%N "$S/blobs/sha256" | md5sum)
    it unpack -q "aci:$T/a.aci" "$T/b2"
    [ "$(ls -l --time-style=+%s.%N "$S/blobs/sha256" | md5sum)" = "$before" ]
    [ -x "$T/b2/rootfs/bin/busybox" ]
}

# bad_aci NAME MANIFEST-JSON: an ACI with a busybox-less rootfs of one file
bad_aci() {
    mkdir -p "$T/bad-$1/rootfs/etc"
    echo x >"$T/bad-$1/rootfs/etc/x"
    printf '%s' "$2" >"$T/bad-$1/manifest"
    tar -C "$T/bad-$1" -czf "$T/$1.aci" manifest rootfs
}

# refused FILE PATTERN: unpack fails with exit 3 and the message, actool
# rejects it too, and neither a bundle nor a name is left behind.
refused() {
    run it unpack -q "aci:$1" "$T/b"
    [ "$status" -eq 3 ] || fail "exit $status: $output"
    [[ "$output" == *"$2"* ]] || fail "message: $output"
    [ "$(echo "$output" | wc -l)" = 1 ]
    [ ! -e "$T/b" ]
    [ -z "$(store_names)" ]
    run actool validate "$1"
    [ "$status" -ne 0 ]
}

@test "aci: bad manifests are refused naming the field, as actool refuses them (exit 3)" {
    local m
    m=$(aci_manifest example.com/x)
    bad_aci kind "$(jq -c '.acKind = "PodManifest"' <<<"$m")"
    refused "$T/kind.aci" 'acKind: expected "ImageManifest", got "PodManifest"'
    bad_aci name "$(jq -c '.name = "Example.com/X"' <<<"$m")"
    refused "$T/name.aci" 'name: "Example.com/X" is not an AC identifier'
    bad_aci version "$(jq -c 'del(.acVersion)' <<<"$m")"
    refused "$T/version.aci" 'acVersion: missing'
    bad_aci arch "$(jq -c '.labels[2].value = "x86_64"' <<<"$m")"
    refused "$T/arch.aci" 'labels: bad arch "x86_64" for linux'
    bad_aci dup "$(jq -c '.labels += [{name: "version", value: "2"}]' <<<"$m")"
    refused "$T/dup.aci" 'labels[3].name: duplicate label "version"'
    bad_aci user "$(jq -c '.app = {exec: ["/bin/sh"], group: "0"}' <<<"$m")"
    refused "$T/user.aci" 'app.user: required'
    bad_aci wd "$(jq -c '.app = {user: "0", group: "0", workingDirectory: "rel"}' <<<"$m")"
    refused "$T/wd.aci" 'app.workingDirectory: "rel" is not an absolute path'
    bad_aci env "$(jq -c '.app = {user: "0", group: "0", environment: [{name: "A B", value: "x"}]}' <<<"$m")"
    refused "$T/env.aci" 'app.environment[0].name: "A B" is not a valid name'
    bad_aci mem "$(jq -c '.app = {user: "0", group: "0", isolators: [{name: "resource/memory", value: {limit: "zz"}}]}' <<<"$m")"
    refused "$T/mem.aci" 'app.isolators[0].value.limit: "zz" is not a resource quantity'
    bad_aci depid "$(jq -c '.dependencies = [{imageName: "example.com/base", imageID: "sha256-ab"}]' <<<"$m")"
    refused "$T/depid.aci" 'dependencies[0].imageID: "sha256-ab" is not sha512-<128 hex digits>'
    bad_aci json '{"acKind": "ImageManifest",'
    refused "$T/json.aci" 'manifest'
}

@test "aci: a tar without manifest, without rootfs/, or with other entries is not an ACI (exit 3)" {
    mkdir -p "$T/n/rootfs/etc" "$T/r"
    echo x >"$T/n/rootfs/etc/x"
    tar -C "$T/n" -czf "$T/nomanifest.aci" rootfs
    refused "$T/nomanifest.aci" 'no manifest (not an ACI)'
    aci_manifest example.com/x >"$T/r/manifest"
    tar -C "$T/r" -czf "$T/norootfs.aci" manifest
    refused "$T/norootfs.aci" 'no rootfs/ directory (not an ACI)'
    cp "$T/r/manifest" "$T/n/manifest"
    echo x >"$T/n/extra"
    tar -C "$T/n" -czf "$T/extra.aci" manifest rootfs extra
    refused "$T/extra.aci" 'entry "extra" is neither manifest nor under rootfs/'
    echo "not a tar at all" >"$T/text.aci"
    run it unpack -q "aci:$T/text.aci" "$T/b"
    [ "$status" -eq 3 ]
    [ ! -e "$T/b" ]
}

# hostile_aci OUT KIND: a rootfs entry escaping with "..", or through a symlinked parent
hostile_aci() {
    python3 - "$1" "$2" "$T/outside" <<'PY'
import io, sys, tarfile
out, kind, outside = sys.argv[1:]
def add(t, name, data=b"", typ=tarfile.REGTYPE, link=""):
    i = tarfile.TarInfo(name); i.type = typ; i.linkname = link
    i.size = len(data) if typ == tarfile.REGTYPE else 0
    t.addfile(i, io.BytesIO(data) if typ == tarfile.REGTYPE else None)
with tarfile.open(out, "w") as t:
    add(t, "manifest", b'{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/evil"}')
    add(t, "rootfs", typ=tarfile.DIRTYPE)
    if kind == "dotdot":
        add(t, "rootfs/../../../../../.." + outside + "/planted", b"x")
    else:
        add(t, "rootfs/lnk", typ=tarfile.SYMTYPE, link=outside)
        add(t, "rootfs/lnk/planted", b"x")
PY
}

@test "aci: a rootfs entry escaping with .. or through a symlinked parent plants nothing outside (exit 3)" {
    mkdir -p "$T/outside"
    hostile_aci "$T/dotdot.aci" dotdot
    refused "$T/dotdot.aci" 'escapes rootfs/ with ".."'
    # with a command, so that nothing but the check stops it (the layer code
    # would otherwise clamp the path into the rootfs and accept the image)
    run it unpack -q "aci:$T/dotdot.aci" "$T/b" /bin/true
    [ "$status" -eq 3 ] || fail "exit $status: $output"
    [[ "$output" == *'escapes rootfs/ with ".."'* ]]
    [ ! -e "$T/b" ]
    [ -z "$(store_names)" ]
    hostile_aci "$T/symlink.aci" symlink
    run it unpack -q "aci:$T/symlink.aci" "$T/b" /bin/true
    [ "$status" -eq 3 ]
    [[ "$output" == *"lnk/planted"* ]]
    [ ! -e "$T/b" ]
    [ -z "$(ls -A "$T/outside")" ]
}

# dep_manifest NAME DEP-NAME [JQ]: an app manifest depending on DEP-NAME version 1.0
dep_manifest() {
    aci_app_manifest "$1" ".dependencies = [{imageName: \"$2\", labels: [{name: \"version\", value: \"1.0\"}]}]" |
        jq -c "${3:-.}"
}

@test "aci: a dependency beside the ACI is laid down beneath it; the image's files win" {
    mkdir -p "$T/d"
    busybox_aci "$T/d/base-1.0.aci" example.com/base
    files_aci "$T/d/app.aci" "$(dep_manifest example.com/app example.com/base)" \
        etc/issue="Welcome to the app" etc/app.conf=conf
    actool validate "$T/d/app.aci"
    run it unpack -q "aci:$T/d/app.aci" "$T/b"
    [ "$status" -eq 0 ]
    [ "$(cat "$T/b/rootfs/etc/issue")" = "Welcome to the app" ]
    [ "$(cat "$T/b/rootfs/etc/app.conf")" = conf ]
    [ -x "$T/b/rootfs/bin/busybox" ]
    [ "$(it inspect "aci:$T/d/app.aci" | jq '.manifest.layers | length')" = 2 ]
    # the base's layer is the base image's own
    [ "$(it inspect "aci:$T/d/app.aci" | jq -r '.manifest.layers[0].digest')" = \
      "$(it inspect "appc:$(aci_id "$T/d/base-1.0.aci")" | jq -r '.manifest.layers[0].digest')" ]
    store_names | grep -qx "appc:example.com/base,arch=$(aci_arch),os=linux,version=1.0"
}

@test "aci: dependencies in order, depth first, each once: later ones and the image overwrite earlier ones" {
    mkdir -p "$T/d"
    busybox_aci "$T/d/base.aci" example.com/base
    files_aci "$T/d/one.aci" "$(aci_manifest example.com/one '.dependencies = [{imageName: "example.com/base"}]')" \
        etc/who=one etc/one=1
    files_aci "$T/d/two.aci" "$(aci_manifest example.com/two '.dependencies = [{imageName: "example.com/base"}]')" \
        etc/who=two etc/two=2
    files_aci "$T/d/app.aci" "$(aci_app_manifest example.com/app \
        '.dependencies = [{imageName: "example.com/one"}, {imageName: "example.com/two"}]')" etc/issue=app
    run it unpack -q "aci:$T/d/app.aci" "$T/b"
    [ "$status" -eq 0 ]
    [ "$(cat "$T/b/rootfs/etc/who")" = two ]
    [ -f "$T/b/rootfs/etc/one" ] && [ -f "$T/b/rootfs/etc/two" ] && [ -x "$T/b/rootfs/bin/busybox" ]
    # base, one, two, app: the shared base once
    [ "$(it inspect "aci:$T/d/app.aci" | jq '.manifest.layers | length')" = 4 ]
}

@test "aci: a dependency already in the store needs no file; a missing one is named (exit 4)" {
    mkdir -p "$T/d" "$T/e"
    busybox_aci "$T/d/base.aci" example.com/base
    files_aci "$T/e/app.aci" "$(dep_manifest example.com/app example.com/base)" etc/issue=app
    run it unpack -q "aci:$T/e/app.aci" "$T/b"
    [ "$status" -eq 4 ]
    [[ "$output" == *"example.com/app: dependencies[0]: example.com/base: not in the store"* ]]
    [ ! -e "$T/b" ]
    it pull "aci:$T/d/base.aci"
    run it unpack -q "aci:$T/e/app.aci" "$T/b"
    [ "$status" -eq 0 ]
    [ -x "$T/b/rootfs/bin/busybox" ]
}

@test "aci: a dependency's imageID is checked against the sha512 of its tar (exit 3)" {
    mkdir -p "$T/d"
    busybox_aci "$T/d/base.aci" example.com/base
    local good bad
    good=$(aci_id "$T/d/base.aci")
    bad="sha512-$(printf '0%.0s' $(seq 128))"
    files_aci "$T/d/bad.aci" "$(aci_manifest example.com/bad ".dependencies = [{imageName: \"example.com/base\", imageID: \"$bad\"}]")" etc/x=1
    run it unpack -q "aci:$T/d/bad.aci" "$T/b" /bin/true
    [ "$status" -eq 3 ]
    [[ "$output" == *"image ID $good does not match the imageID $bad"* ]]
    [ ! -e "$T/b" ]
    files_aci "$T/d/good.aci" "$(aci_manifest example.com/good ".dependencies = [{imageName: \"example.com/base\", imageID: \"$good\"}]")" etc/x=1
    run it unpack -q "aci:$T/d/good.aci" "$T/b" /bin/true
    [ "$status" -eq 0 ]
}

@test "aci: a dependency loop and dependencies nested too deep are errors (exit 3)" {
    mkdir -p "$T/d" "$T/deep"
    files_aci "$T/d/a.aci" "$(aci_manifest example.com/a '.dependencies = [{imageName: "example.com/b"}]')" etc/a=1
    files_aci "$T/d/b.aci" "$(aci_manifest example.com/b '.dependencies = [{imageName: "example.com/a"}]')" etc/b=1
    run it unpack -q "aci:$T/d/a.aci" "$T/b" /bin/true
    [ "$status" -eq 3 ]
    [[ "$output" == *"dependency loop: example.com/a -> example.com/b -> example.com/a"* ]]
    local i
    for i in $(seq 0 17); do
        files_aci "$T/deep/l$i.aci" "$(aci_manifest "example.com/l$i" ".dependencies = [{imageName: \"example.com/l$((i + 1))\"}]")" "etc/l$i=1"
    done
    files_aci "$T/deep/l18.aci" "$(aci_manifest example.com/l18)" etc/l18=1
    run it unpack -q "aci:$T/deep/l0.aci" "$T/b" /bin/true
    [ "$status" -eq 3 ]
    [[ "$output" == *"dependencies nested deeper than 16"* ]]
    [ ! -e "$T/b" ]
}

# tree DIR: the paths beneath DIR, sorted
tree() { (cd "$1" && find . -mindepth 1 | sort); }

@test "aci: pathWhitelist keeps only the listed paths (and their parents), from the image and its dependencies" {
    mkdir -p "$T/d"
    busybox_aci "$T/d/base.aci" example.com/base
    files_aci "$T/d/app.aci" "$(dep_manifest example.com/app example.com/base \
        '.pathWhitelist = ["/bin/busybox", "/bin/sh", "/etc/issue", "/etc/app/keep"]')" \
        etc/issue=app etc/app/keep=1 etc/app/drop=1 usr/share/junk=1
    local backend
    for backend in copy overlay; do
        run it unpack -q --backend "$backend" "aci:$T/d/app.aci" "$T/b-$backend"
        [ "$status" -eq 0 ]
        [ "$(tree "$T/b-$backend/rootfs" | tr '\n' ' ')" = \
          "./bin ./bin/busybox ./bin/sh ./etc ./etc/app ./etc/app/keep ./etc/issue " ] ||
            fail "$backend: $(tree "$T/b-$backend/rootfs" | tr '\n' ' ')"
        [ "$(cat "$T/b-$backend/rootfs/etc/issue")" = app ]
    done
    it umount "$T/b-overlay"
}

@test "aci: rm drops the names, gc then frees the ACI's blobs" {
    busybox_aci "$T/a.aci" example.com/gone
    it pull "aci:$T/a.aci"
    local n
    for n in $(store_names); do it rm "$n"; done
    [ -z "$(store_names)" ]
    run it gc
    [ "$status" -eq 0 ]
    [ -z "$(ls -A "$S/blobs/sha256")" ]
}

# iso_bundle BUNDLE JQ [UNPACK-FLAGS...]: unpack a busybox ACI whose manifest went through JQ
iso_bundle() {
    local b=$1 filter=$2
    shift 2
    busybox_aci "$T/iso-$RANDOM.aci" example.com/iso "$filter"
    it unpack -q "$@" "$(ls -t "$T"/iso-*.aci | head -1 | sed 's/^/aci:/')" "$b"
}

@test "aci: resource isolators: memory and cpu limits win over requests; --memory and --cpus win over the image" {
    local iso='.app.isolators = [{name: "resource/memory", value: {request: "50M", limit: "100M"}},
                                 {name: "resource/cpu", value: {request: "250m", limit: "500m"}}]'
    iso_bundle "$T/b" "$iso"
    [ "$(cfg "$T/b" .linux.resources.memory.limit)" = 100000000 ]
    [ "$(cfg "$T/b" .linux.resources.cpu.quota)" = 50000 ]
    [ "$(cfg "$T/b" .linux.resources.cpu.shares)" = 512 ]
    iso_bundle "$T/b2" "$iso" --memory 200m --cpus 2
    [ "$(cfg "$T/b2" .linux.resources.memory.limit)" = 209715200 ]
    [ "$(cfg "$T/b2" .linux.resources.cpu.quota)" = 200000 ]
    iso_bundle "$T/b3" '.app.isolators = [{name: "resource/memory", value: {request: "1Gi"}}]'
    [ "$(cfg "$T/b3" .linux.resources.memory.limit)" = 1073741824 ]
}

@test "aci: capability retain and remove sets; the command line's --cap-add still applies" {
    iso_bundle "$T/b" '.app.isolators = [{name: "os/linux/capabilities-retain-set", value: {set: ["CAP_NET_BIND_SERVICE", "CAP_KILL"]}}]'
    [ "$(cfg "$T/b" '.process.capabilities.bounding')" = '["CAP_NET_BIND_SERVICE","CAP_KILL"]' ]
    [ "$(cfg "$T/b" '.process.capabilities.effective')" = '["CAP_NET_BIND_SERVICE","CAP_KILL"]' ]
    iso_bundle "$T/b2" '.app.isolators = [{name: "os/linux/capabilities-remove-set", value: {set: ["CAP_NET_RAW", "CAP_MKNOD"]}}]' \
        --cap-add SYS_TIME
    [ "$(cfg "$T/b2" '.process.capabilities.bounding | index("CAP_NET_RAW")')" = null ]
    [ "$(cfg "$T/b2" '.process.capabilities.bounding | index("CAP_MKNOD")')" = null ]
    [ "$(cfg "$T/b2" '.process.capabilities.bounding | index("CAP_CHOWN") != null')" = true ]
    [ "$(cfg "$T/b2" '.process.capabilities.bounding | index("CAP_SYS_TIME") != null')" = true ]
    busybox_aci "$T/badcap.aci" example.com/badcap \
        '.app.isolators = [{name: "os/linux/capabilities-retain-set", value: {set: ["CAP_FLY"]}}]'
    run it unpack -q "aci:$T/badcap.aci" "$T/b3"
    [ "$status" -eq 3 ]
    [[ "$output" == *'unknown capability "CAP_FLY"'* ]]
    [ ! -e "$T/b3" ]
}

@test "aci: no-new-privileges, oom-score-adj, cpu-shares, supplementaryGIDs; unknown isolators are named in a warning" {
    busybox_aci "$T/p.aci" example.com/p '.app.supplementaryGIDs = [10, 20] | .app.isolators = [
        {name: "os/linux/no-new-privileges", value: true}, {name: "os/linux/oom-score-adj", value: 300},
        {name: "os/linux/cpu-shares", value: 700}, {name: "example.com/teleport", value: {}}]'
    run it unpack -q "aci:$T/p.aci" "$T/b"
    [ "$status" -eq 0 ]
    [[ "$output" == *"isolator example.com/teleport is not supported: ignored"* ]]
    [ "$(cfg "$T/b" .process.noNewPrivileges)" = true ]
    [ "$(cfg "$T/b" .process.oomScoreAdj)" = 300 ]
    [ "$(cfg "$T/b" .linux.resources.cpu.shares)" = 700 ]
    [ "$(cfg "$T/b" .process.user.additionalGids)" = '[10,20]' ]
}

@test "aci: seccomp remove set fails the named calls with the errno; a retain set allows only its calls" {
    iso_bundle "$T/b" '.app.isolators = [{name: "os/linux/seccomp-remove-set", value: {errno: "ENOTSUP", set: ["sethostname", "reboot"]}}]'
    [ "$(cfg "$T/b" '[.linux.seccomp.syscalls[] | select(.names | index("sethostname"))] | length')" = 1 ]
    [ "$(cfg "$T/b" '.linux.seccomp.syscalls[] | select(.names | index("sethostname")) | [.action, .errnoRet]')" = '["SCMP_ACT_ERRNO",95]' ]
    iso_bundle "$T/b2" '.app.isolators = [{name: "os/linux/seccomp-retain-set", value: {set: ["read", "write"]}}]'
    [ "$(cfg "$T/b2" .linux.seccomp.defaultAction)" = '"SCMP_ACT_KILL_PROCESS"' ]
    [ "$(cfg "$T/b2" '.linux.seccomp.syscalls[0].names | index("write") != null')" = true ]
    iso_bundle "$T/b3" '.app.isolators = [{name: "os/linux/seccomp-retain-set", value: {set: ["@appc.io/all"]}}]'
    [ "$(cfg "$T/b3" .linux.seccomp)" = null ]
    iso_bundle "$T/b4" '.app.isolators = [{name: "os/linux/seccomp-retain-set", value: {set: ["read"]}}]' --seccomp unconfined
    [ "$(cfg "$T/b4" .linux.seccomp)" = null ]
}

@test "aci: user and group names resolve in the rendered rootfs; ports, mountPoints, annotations become annotations" {
    local root="$T/root"
    make_busybox_rootfs "$root"
    echo 'app:x:1234:1234::/home/app:/bin/sh' >>"$root/etc/passwd"
    echo 'staff:x:50:' >>"$root/etc/group"
    make_aci "$T/u.aci" "$(aci_app_manifest example.com/u '.app.user = "app" | .app.group = "staff" |
        .app.ports = [{name: "http", protocol: "tcp", port: 8080}] |
        .app.mountPoints = [{name: "data", path: "/var/data", readOnly: true}] |
        .annotations = [{name: "authors", value: "the tests"}]')" "$root"
    run it unpack -q "aci:$T/u.aci" "$T/b"
    [ "$status" -eq 0 ]
    [ "$(cfg "$T/b" '.process.user | [.uid, .gid]')" = '[1234,50]' ]
    [ "$(cfg "$T/b" '.annotations["org.appc.port.http"]')" = '"tcp/8080"' ]
    [ "$(cfg "$T/b" '.annotations["org.opencontainers.image.exposedPorts"]')" = '"8080/tcp"' ]
    [ "$(cfg "$T/b" '.annotations["org.appc.mountPoint.data"]')" = '"/var/data:ro"' ]
    [ "$(cfg "$T/b" '.annotations["org.appc.annotation.authors"]')" = '"the tests"' ]
    [ "$(cfg "$T/b" '.annotations["org.appc.label.version"]')" = '"1.0"' ]
    busybox_aci "$T/nouser.aci" example.com/nouser '.app.user = "ghost"'
    run it unpack -q "aci:$T/nouser.aci" "$T/b2"
    [ "$status" -eq 3 ]
    [[ "$output" == *ghost* ]]
}

@test "aci: --volume NAME=HOSTPATH binds a host directory at the mount point; readOnly holds; bad volumes are refused" {
    mkdir -p "$T/host/data" "$T/host/logs"
    echo from-host >"$T/host/data/x"
    busybox_aci "$T/v.aci" example.com/vol '.app.mountPoints = [{name: "data", path: "/var/data", readOnly: true},
        {name: "logs", path: "/var/log/app"}, {name: "cache", path: "/var/cache/app"}]'
    run it unpack -q --volume "data=$T/host/data" --volume "logs=$T/host/logs" "aci:$T/v.aci" "$T/b" \
        --entrypoint '["/bin/sh", "-c", "cat /var/data/x; echo w >/var/log/app/y; echo z >/var/data/z || echo read-only"]'
    [ "$status" -eq 0 ] || fail "$output"
    # the unfilled one is named once, and stays an annotation like the others
    [ "$(grep -c 'mount point cache (/var/cache/app) has no --volume cache=HOSTPATH' <<<"$output")" = 1 ]
    [ "$(cfg "$T/b" '[.mounts[] | select(.destination == "/var/data")][0] | [.type, .source, .options]')" = \
        "[\"bind\",\"$T/host/data\",[\"rbind\",\"ro\"]]" ]
    [ "$(cfg "$T/b" '[.mounts[] | select(.destination == "/var/log/app")][0].options')" = '["rbind","rw"]' ]
    [ "$(cfg "$T/b" '[.mounts[] | select(.destination == "/var/cache/app")] | length')" = 0 ]
    [ "$(cfg "$T/b" '.annotations["org.appc.mountPoint.cache"]')" = '"/var/cache/app"' ]
    run "$RUNTIME" run -b "$T/b" "vol-$$-$RANDOM"
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *from-host* ]] || fail "run: $output"
    [[ "$output" == *read-only* ]]
    [ "$(cat "$T/host/logs/y")" = w ]
    [ ! -e "$T/host/data/z" ]
    # :ro on the command line makes a writable mount point read-only
    it unpack -q --volume "logs=$T/host/logs:ro" "aci:$T/v.aci" "$T/b2" /bin/true 2>/dev/null
    [ "$(cfg "$T/b2" '[.mounts[] | select(.destination == "/var/log/app")][0].options')" = '["rbind","ro"]' ]
    # refused before anything is written
    run it unpack -q --volume "nosuch=$T/host/data" "aci:$T/v.aci" "$T/b3" /bin/true
    [ "$status" -eq 2 ]
    [[ "$output" == *"--volume nosuch: the image has no mount point called nosuch"* ]]
    [ ! -e "$T/b3" ]
    run it unpack -q --volume "data=relative/path" "aci:$T/v.aci" "$T/b3" /bin/true
    [ "$status" -eq 2 ]
    [[ "$output" == *'--volume: "data=relative/path" is not NAME=/HOST/PATH[:ro]'* ]]
    run it unpack -q --volume "data=$T/missing" "aci:$T/v.aci" "$T/b3" /bin/true
    [ "$status" -eq 4 ]
    [[ "$output" == *"--volume data=$T/missing"* ]]
    [ ! -e "$T/b3" ]
}
