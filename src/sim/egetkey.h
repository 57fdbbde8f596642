/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal interface of the simulated EGETKEY (egetkey.c): the key request and the
 * derivation documented in veritee/sim.h, for local_attest.c.
 */
#ifndef VT_SIM_EGETKEY_H
#define VT_SIM_EGETKEY_H

#include <veritee/sim.h>

/* The REPORT key of the enclave described by target, for key_id. out is wiped on failure. */
VT_MUST_CHECK int vt_sim_report_key_get(const vt_sim_platform_t *p,
                                        const vt_sgx_target_info_t *target,
                                        const uint8_t key_id[static VT_SGX_KEY_ID_LEN],
                                        uint8_t out[static VT_SEALING_KEY_LEN]);

#endif
