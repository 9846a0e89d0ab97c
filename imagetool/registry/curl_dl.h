/* libcurl is loaded (dlopen) only by the commands that reach a registry or
 * an Appc server: linking it costs every other command ~4 ms of start-up
 * (it brings some thirty libraries). curl_dl.c defines the curl_* functions
 * imagetool calls and forwards them to the loaded library. */
#ifndef IMAGETOOL_REGISTRY_CURL_DL_H
#define IMAGETOOL_REGISTRY_CURL_DL_H

#include "common/error.h"

/* Load libcurl and run curl_global_init, once; EXIT_FAIL naming the
 * library when it cannot be loaded. Before any other curl_* call. */
int curl_dl_load(struct error **err);

#endif
