#!/usr/bin/env bats
# Platform selection in OCI indexes (nested too): --platform os/arch[/variant],
# the host's platform (linux/amd64 here) by default; artifacts are skipped.

load ../lib/helpers

setup() {
    require_shared_images
    S="$BATS_TEST_TMPDIR/store"
    MUSL="oci:$SHARED_IMAGES/docker-library-busybox-1.38-musl-multiarch-oci/layout"
    REG="oci:$SHARED_IMAGES/regclient-testrepo-oci/testrepo"
}

# digest_for SOURCE [PLATFORM]: the manifest digest pull stores
digest_for() {
    local args=(--quiet)
    [ -n "${2:-}" ] && args+=(--platform "$2")
    "$IMAGETOOL" --store "$S" pull "${args[@]}" "$1"
}

@test "nested index: the host platform by default, each platform on request" {
    [ "$(uname -m)" = x86_64 ] || skip "host is not amd64"
    [ "$(digest_for "$MUSL")" = sha256:a34ce92094b7b100a98fbd21411a92825f6827b1bc5f6918c253516c90556998 ]
    [ "$(digest_for "$MUSL" linux/amd64)" = sha256:a34ce92094b7b100a98fbd21411a92825f6827b1bc5f6918c253516c90556998 ]
    [ "$(digest_for "$MUSL" linux/arm64/v8)" = sha256:3cb83a1fb0a5d7064741699ec39f3276d393df432c7c287e8486154465910a89 ]
    [ "$(digest_for "$MUSL" linux/arm64)" = sha256:3cb83a1fb0a5d7064741699ec39f3276d393df432c7c287e8486154465910a89 ]
    [ "$(digest_for "$MUSL" linux/arm/v7)" = sha256:8730964bebef73b06932406fc572c5191ceeb36c391f5b502f4310b9dfb65223 ]
    [ "$(digest_for "$MUSL" linux/386)" = sha256:6a8df8329cbd68be2b8659c18291fe8b5dc45becf51d18809192e4c86b6dfc42 ]
    # the stored config agrees with the platform asked for
    "$IMAGETOOL" --store "$S" pull --name arm7 --platform linux/arm/v7 "$MUSL"
    run "$IMAGETOOL" --store "$S" inspect arm7
    [ "$(echo "$output" | jq -r '.config.architecture + "/" + .config.variant')" = arm/v7 ]
}

@test "a platform the index lacks: exit 4 naming what it has" {
    run "$IMAGETOOL" --store "$S" pull --platform linux/s390x "$MUSL"
    [ "$status" -eq 4 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"no manifest for platform linux/s390x"*"linux/arm64/v8"* ]]
    [ "$(jq '.manifests | length' "$S/index.json")" = 0 ]
}

@test "regclient indexes: variants v6 and v7 apart, artifacts skipped" {
    [[ "$(digest_for "$REG:b1" linux/arm/v6)" == sha256:431e0e3ba987* ]]
    [[ "$(digest_for "$REG:b1" linux/arm/v7)" == sha256:a347aaec7c49* ]]
    [[ "$(digest_for "$REG:b1" linux/arm)" == sha256:a347aaec7c49* ]]
    [[ "$(digest_for "$REG:b1" linux/arm64)" == sha256:35f35d912637* ]]
    [[ "$(digest_for "$REG:v1" linux/amd64)" == sha256:1effc9d48232* ]]
    run "$IMAGETOOL" --store "$S" pull --platform linux/arm/v6 "$REG:v2"
    [ "$status" -eq 4 ]
    run "$IMAGETOOL" --store "$S" pull --platform unknown/unknown "$REG:v1"
    [ "$status" -eq 4 ]
}

@test "a malformed --platform is a usage error" {
    run "$IMAGETOOL" --store "$S" pull --platform linux "$MUSL"
    [ "$status" -eq 2 ]
    [[ "$output" == *"OS/ARCH"* ]]
    run "$IMAGETOOL" --store "$S" pull --platform linux/arm/v7/x "$MUSL"
    [ "$status" -eq 2 ]
}
