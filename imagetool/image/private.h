/* What the image model's files share. */
#ifndef IMAGETOOL_IMAGE_PRIVATE_H
#define IMAGETOOL_IMAGE_PRIVATE_H

#include <stdbool.h>
#include <yajl/yajl_tree.h>

#include "imagetool/image/image.h"

int descriptor_parse(yajl_val v, const char *path, struct descriptor *d, struct error **err);
bool platform_matches(const struct platform *want, const struct descriptor *d, bool exact_variant);

#endif
