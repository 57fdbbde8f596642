/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulated-enclave identity verbs of `veritee sim` (src/cli/cmd_sim_identity.c):
 * `sim sign` makes a signed .sig for an executable, `sim run` launches an executable
 * as a simulated enclave after the EINIT-like check. The `sim` noun's verb table
 * (src/cli/cmd_sim.c) dispatches to them.
 */
#ifndef VT_CLI_CMD_SIM_IDENTITY_H
#define VT_CLI_CMD_SIM_IDENTITY_H

int vt_cli_sim_sign_main(int argc, char **argv);
int vt_cli_sim_run_main(int argc, char **argv);

#endif
