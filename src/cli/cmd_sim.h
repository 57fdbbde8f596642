/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `veritee sim <verb>`: the simulated TEE platform (veritee/sim.h). cmd_sim.c holds the
 * verb table and `sim init`; cmd_sim_quote.c holds `sim quote`.
 */
#ifndef VT_CLI_CMD_SIM_H
#define VT_CLI_CMD_SIM_H

int vt_cli_sim_main(int argc, char **argv);
int vt_cli_sim_init_main(int argc, char **argv);
int vt_cli_sim_quote_main(int argc, char **argv);

#endif
