#!/bin/bash
# make demo: the two-step flow on the embedded demo image, like the Mesos
# demo: imagetool makes a bundle with 1 CPU and 200 MiB, runtime runs it and
# the container prints its /etc/issue, ps (itself as PID 1), env and its
# memory cgroup limit. Everything lives in a temp dir removed at the end.
set -euo pipefail
cd "$(dirname "$0")"
RUNTIME=${RUNTIME:-build/default/bin/runtime}
IMAGETOOL=${IMAGETOOL:-build/default/bin/imagetool}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/imagetool-demo.XXXXXX")
id="demo-$$"
cleanup() {
    "$RUNTIME" --root "$tmp/state" delete --force "$id" >/dev/null 2>&1 || true
    [ -e "$tmp/bundle" ] && "$IMAGETOOL" rm-bundle "$tmp/bundle" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT

step() {
    echo "+ $*" >&2
    "$@"
}

tests/lib/make-demo-image.sh "$tmp/image" demo
step "$IMAGETOOL" --store "$tmp/store" unpack --cpus 1 --memory 200m "oci:$tmp/image:demo" "$tmp/bundle"
step "$RUNTIME" --root "$tmp/state" run -b "$tmp/bundle" "$id"
