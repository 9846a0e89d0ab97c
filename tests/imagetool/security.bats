#!/usr/bin/env bats
# imagetool's guards against hostile images and hostile input (issue 11):
# each test fails when its guard is removed (specs/security.md, "imagetool").

load ../lib/helpers
load unpack_helpers
load security_helpers

@test "security: uid or gid 4294967295 (-1) or above 2^31-1 is refused, from -u and from the image" {
    local b="$BATS_TEST_TMPDIR/b" ref
    ref="oci:$(demo_image):demo"
    local spec
    for spec in 4294967295 2147483648 0:4294967295 demo:2147483648; do
        run it_unpack -u "$spec" "$ref" "$b"
        [ "$status" -eq 3 ] || fail "-u $spec: status $status: $output"
        [ "${#lines[@]}" -eq 1 ] || fail "-u $spec: not one line: $output"
        [[ "$output" == *"outside 0..2147483647"* ]] || fail "$output"
        [ ! -e "$b" ]
    done
    ref=$(demo_with '.config.User = "4294967295:4294967295"')
    run it_unpack "$ref" "$b"
    [ "$status" -eq 3 ] && [[ "$output" == *"uid 4294967295 is outside"* ]] || fail "$status: $output"
    [ ! -e "$b" ]
    # the largest valid id still works
    it_unpack -u 2147483647:2147483647 "oci:$(demo_image):demo" "$b"
    [ "$(cfg "$b" '[.process.user.uid, .process.user.gid]')" = '[2147483647,2147483647]' ]
}

@test "security: a passwd entry with uid 4294967295 in the image is refused" {
    local layer="$BATS_TEST_TMPDIR/layer" b="$BATS_TEST_TMPDIR/b"
    mkdir -p "$layer/etc"
    printf 'root:x:0:0:root:/root:/bin/sh\nevil:x:4294967295:0::/:/bin/sh\n' >"$layer/etc/passwd"
    tar -C "$layer" -cf "$BATS_TEST_TMPDIR/l.tar" etc
    run it_unpack -u evil "$(demo_plus_layer "$BATS_TEST_TMPDIR/l.tar")" "$b"
    [ "$status" -eq 3 ] && [[ "$output" == *'"evil": uid 4294967295 is outside'* ]] || fail "$status: $output"
    [ ! -e "$b" ]
}

@test "security: image labels that steer other runtimes are not copied into annotations" {
    local b="$BATS_TEST_TMPDIR/b" ref
    ref=$(demo_with '.config.Labels = {"run.oci.seccomp_bpf_data": "AAAA", "run.oci.handler": "krun",
        "run.oci.seccomp.plugins": "/tmp/x.so", "org.criu.config": "/tmp/c", "io.kubernetes.cri.sandbox-id": "x",
        "io.kubernetes.cri-o.Devices": "/dev/sda", "io.containerd.runc.v2.group": "g",
        "io.katacontainers.config.hypervisor.path": "/tmp/h", "org.systemd.property.ExecStopPost": "/tmp/p",
        "Run.OCI.Keep_Original_Groups": "1", "org.example.kept": "yes", "run.ocix": "kept too"}')
    run it_unpack "$ref" "$b"
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *'label "run.oci.handler" not copied'* ]] || fail "no warning: $output"
    run cfg "$b" '.annotations | keys | map(select(startswith("org.opencontainers.") | not))'
    [ "$output" = '["org.example.kept","run.ocix"]' ] || fail "annotations: $output"
}

# special_passwd_layer TYPE OUT: a layer whose etc/passwd (and etc/group) is
# a fifo ("fifo") or the character device 5:0, /dev/tty ("tty").
special_passwd_layer() {
    python3 - "$1" "$2" <<'PY'
import sys, tarfile
kind, out = sys.argv[1], sys.argv[2]
with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as t:
    d = tarfile.TarInfo("etc"); d.type = tarfile.DIRTYPE; d.mode = 0o755; t.addfile(d)
    for name in ("etc/passwd", "etc/group"):
        i = tarfile.TarInfo(name); i.mode = 0o644
        if kind == "fifo":
            i.type = tarfile.FIFOTYPE
        else:
            i.type = tarfile.CHRTYPE; i.devmajor, i.devminor = 5, 0
        t.addfile(i)
PY
}

@test "security: the image's /etc/passwd as a fifo or a device node is refused without being opened" {
    local b="$BATS_TEST_TMPDIR/b" kind
    for kind in fifo tty; do
        special_passwd_layer "$kind" "$BATS_TEST_TMPDIR/$kind.tar"
        # setsid: no controlling terminal, so opening /dev/tty (5:0) would
        # fail with ENXIO; a refusal that names the type proves no open.
        run timeout -s KILL 20 setsid -w "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/store" unpack -q -u demo \
            "$(demo_plus_layer "$BATS_TEST_TMPDIR/$kind.tar")" "$b"
        [ "$status" -eq 3 ] || fail "$kind: status $status: $output"
        [[ "$output" == *"rootfs /etc/passwd: not a regular file" ]] || fail "$kind: $output"
        [ ! -e "$b" ]
    done
}

@test "security: docker-archive and oci-archive never run an external decompressor (lrzip, lzop)" {
    local fake="$BATS_TEST_TMPDIR/fakebin" marker="$BATS_TEST_TMPDIR/ran" b="$BATS_TEST_TMPDIR/b"
    mkdir -p "$fake"
    local prog
    for prog in lrzip lzop grzip lz4 lzip; do
        printf '#!/bin/sh\necho "%s $*" >>"%s"\ncat >/dev/null\nexit 0\n' "$prog" "$marker" >"$fake/$prog"
        chmod +x "$fake/$prog"
    done
    # files that start with each format's magic bytes
    printf 'LRZI\000\006\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000%.0s' {1..40} \
        >"$BATS_TEST_TMPDIR/a.lrz"
    printf '\211LZO\000\r\n\032\n\020\060\040\240\011\100\001\005\003\000\000\001\000\000\201\244%.0s' {1..40} \
        >"$BATS_TEST_TMPDIR/a.lzo"
    local src file
    for file in a.lrz a.lzo; do
        for src in docker-archive oci-archive; do
            run env PATH="$fake:$PATH" "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/store" unpack -q \
                "$src:$BATS_TEST_TMPDIR/$file" "$b"
            [ "$status" -ne 0 ] || fail "$src $file: accepted"
            [ ! -e "$marker" ] || fail "$src $file ran: $(cat "$marker")"
            [ ! -e "$b" ]
        done
    done
}

# relink_layout DIR WHAT: rewrite the OCI layout DIR (single manifest) so that
# WHAT (index | manifest | config) gets a "deep" member nested a million
# levels, or (manifest-big) the manifest grows past 4 MiB with spaces;
# digests are recomputed so only the limit can refuse it.
relink_layout() {
    python3 - "$1" "$2" <<'PY'
import hashlib, json, os, sys
d, what = sys.argv[1], sys.argv[2]
deep = ', "deep": ' + "[" * 1000000 + "]" * 1000000
def blob(digest): return os.path.join(d, "blobs", "sha256", digest.split(":")[1])
def put(text):
    h = hashlib.sha256(text.encode()).hexdigest()
    open(os.path.join(d, "blobs", "sha256", h), "w").write(text)
    return "sha256:" + h, len(text.encode())
def add_deep(text): return text.rstrip()[:-1] + deep + "}"
index = json.load(open(os.path.join(d, "index.json")))
mdesc = index["manifests"][0]
mtext = open(blob(mdesc["digest"])).read()
if what in ("config",):
    m = json.loads(mtext)
    ctext = add_deep(open(blob(m["config"]["digest"])).read())
    m["config"]["digest"], m["config"]["size"] = put(ctext)
    mtext = json.dumps(m)
if what == "manifest":
    mtext = add_deep(mtext)
if what == "manifest-big":
    mtext = mtext.rstrip()[:-1] + " " * (4 * 1024 * 1024) + "}"
mdesc["digest"], mdesc["size"] = put(mtext)
itext = json.dumps(index)
if what == "index":
    itext = add_deep(itext)
open(os.path.join(d, "index.json"), "w").write(itext)
PY
}

@test "security: index.json, manifests and image configs nested a million deep or manifests over 4 MiB are exit 3" {
    local what img b="$BATS_TEST_TMPDIR/b"
    for what in index manifest config manifest-big; do
        img="$BATS_TEST_TMPDIR/img-$what"
        cp -r "$(demo_image)" "$img"
        relink_layout "$img" "$what"
        run it_unpack "oci:$img:demo" "$b"
        [ "$status" -eq 3 ] || fail "$what: status $status: ${output:0:300}"
        [ "${#lines[@]}" -eq 1 ] || fail "$what: not one line: ${output:0:300}"
        if [ "$what" = manifest-big ]; then
            [[ "$output" == *"JSON document larger than 4194304 bytes (4 MiB)"* ]] || fail "$what: $output"
        else
            [[ "$output" == *"JSON nested deeper than 512 levels"* ]] || fail "$what: $output"
        fi
        [ ! -e "$b" ]
    done
}

@test "security: a docker-archive whose manifest.json is nested a million deep is exit 3" {
    local dir="$BATS_TEST_TMPDIR/arch"
    mkdir -p "$dir"
    python3 -c "import sys; sys.stdout.write('[' * 1000000 + ']' * 1000000)" >"$dir/manifest.json"
    tar -C "$dir" -cf "$BATS_TEST_TMPDIR/a.tar" manifest.json
    run it_unpack "docker-archive:$BATS_TEST_TMPDIR/a.tar" "$BATS_TEST_TMPDIR/b"
    [ "$status" -eq 3 ] || fail "status $status: ${output:0:300}"
    [[ "$output" == *"manifest.json: JSON nested deeper than 512 levels"* ]] || fail "$output"
    [ ! -e "$BATS_TEST_TMPDIR/b" ]
}
