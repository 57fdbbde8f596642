/* SPDX-License-Identifier: Apache-2.0 */
/* Hex encoding. Decoding is case-insensitive (Intel mixes "90C06F" and "90c06f"). */
#include "error.h"

void vt_hex_encode(const uint8_t *in, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0xf];
    }
    out[2 * len] = '\0';
}

/* The value of a hex digit, or 16 for anything else. */
static unsigned nibble(char c)
{
    if (c >= '0' && c <= '9') return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'f') return (unsigned)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return (unsigned)(c - 'A' + 10);
    return 16;
}

int vt_hex_decode(const char *text, size_t text_len, uint8_t *out, size_t out_len)
{
    VT_ENSURE(text != NULL && (out != NULL || out_len == 0), VT_E_INVALID_ARG, "hex: null argument");
    VT_ENSURE(out_len <= SIZE_MAX / 2 && text_len == 2 * out_len, VT_E_MALFORMED,
              "hex: %zu characters, expected %zu", text_len, 2 * out_len);
    for (size_t i = 0; i < out_len; i++) {
        unsigned hi = nibble(text[2 * i]);
        unsigned lo = nibble(text[2 * i + 1]);
        VT_ENSURE(hi < 16 && lo < 16, VT_E_MALFORMED, "hex: invalid digit at position %zu",
                  hi >= 16 ? 2 * i : 2 * i + 1);
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}
