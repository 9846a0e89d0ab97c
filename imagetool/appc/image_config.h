/* An Appc image manifest (a stored image's config blob) as an image config. */
#ifndef IMAGETOOL_APPC_IMAGE_CONFIG_H
#define IMAGETOOL_APPC_IMAGE_CONFIG_H

#include "imagetool/image/image.h"

int appc_image_config(const char *json, size_t len, const struct manifest *layers, struct image_config *c,
                      struct error **err);

#endif
