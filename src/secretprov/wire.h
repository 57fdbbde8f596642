/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The secret provisioning wire codec (src/secretprov/wire.c). The format and the
 * functions are documented in include/veritee/secretprov.h; this header adds nothing
 * but the compile-time lengths of the four magics for the layer's own files.
 */
#ifndef VT_SECRETPROV_WIRE_H
#define VT_SECRETPROV_WIRE_H

#include <veritee/secretprov.h>

_Static_assert(sizeof(VT_SECRETPROV_REQUEST_GRAMINE) == VT_SECRETPROV_MAGIC_LEN,
               "Gramine request magic is 35 bytes with its NUL");
_Static_assert(sizeof(VT_SECRETPROV_REQUEST_NAMED) == VT_SECRETPROV_MAGIC_LEN,
               "named request magic is 35 bytes with its NUL");
_Static_assert(sizeof(VT_SECRETPROV_RESPONSE_SECRET) == VT_SECRETPROV_RESPONSE_MAGIC_LEN,
               "response magic is 37 bytes with its NUL");
_Static_assert(sizeof(VT_SECRETPROV_RESPONSE_REFUSED) == VT_SECRETPROV_RESPONSE_MAGIC_LEN,
               "refusal magic is 37 bytes with its NUL");

#endif
