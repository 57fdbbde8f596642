/* SPDX-License-Identifier: Apache-2.0 */
/* The verbs of `veritee quote`, one file each. */
#ifndef VT_CLI_CMD_QUOTE_H
#define VT_CLI_CMD_QUOTE_H

int vt_cli_quote_dump_main(int argc, char **argv);
int vt_cli_quote_verify_main(int argc, char **argv);

#endif
