/* Signature checks for discovered ACIs with gpgv (Debian's gpgv). Trust:
 * the keys in --trust-keys DIR; a key file directly in DIR is trusted for
 * every image, one in DIR/PREFIX/ (e.g. DIR/example.com/app/) only for
 * names under that prefix. Key files: binary or ASCII-armoured OpenPGP
 * public keys, any name. specs/appc.md. */
#ifndef IMAGETOOL_APPC_VERIFY_H
#define IMAGETOOL_APPC_VERIFY_H

#include "common/error.h"

/* EXIT_INVALID when sig is no good signature of aci by a key trusted for
 * name; EXIT_NOTFOUND when DIR trusts no key for name. */
int appc_verify(const char *trust_dir, const char *name, const char *aci, const char *sig, struct error **err);

#endif
