/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>

int main(void)
{
    fputs("veritee: not built yet\n", stderr);
    return 1;
}
