/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy of veritee-secretd: rules that map a TEE identity (MRENCLAVE; MRSIGNER +
 * ISVPRODID + minimum ISVSVN; or TDX MRTD and optional RTMRs), a set of accepted TCB
 * statuses, accepted advisories and a debug switch to the names of secrets.
 *
 * Parsing ($.rules of the configuration) and matching a verified quote against the rules
 * live here; the daemon calls sd_rules_match from the RA-TLS measurement callback inside
 * the TLS handshake, and again for each request.
 */
#ifndef VT_SECRETD_RULES_H
#define VT_SECRETD_RULES_H

#include <jansson.h>
#include <veritee/verify.h>

#include "config.h"

/* Reads $.rules (v) into c->rules; c->secrets must be loaded. */
VT_MUST_CHECK int sd_rules_load(const json_t *v, sd_config_t *c);

/* Frees the owned fields of the rules. */
void sd_rules_cleanup(sd_rule_t *rules, size_t count);

/*
 * True if rule accepts the verified quote r: identity, TCB status (with expired
 * collateral, its OutOfDate counterpart must be accepted too), advisories, debug.
 */
bool sd_rule_matches(const sd_rule_t *rule, const vt_verify_result_t *r);

/* The first rule that accepts r, or NULL. */
const sd_rule_t *sd_rules_match(const sd_config_t *c, const vt_verify_result_t *r);

/*
 * The index of the secret that a rule gives: the named one if the rule lists it, the
 * rule's default for name == NULL (a Gramine request). SIZE_MAX if not allowed.
 * Among several matching rules, any that lists the name allows it.
 */
size_t sd_rules_secret_for(const sd_config_t *c, const vt_verify_result_t *r, const char *name);

/* Writes the identity of r for a log line:
   "sgx mrenclave=HEX mrsigner=HEX isvprodid=N isvsvn=N debug=0 tcb=STATUS"
   or "tdx mrtd=HEX tcb=STATUS". */
#define SD_IDENTITY_TEXT_MAX 320
void sd_identity_format(const vt_verify_result_t *r, char out[static SD_IDENTITY_TEXT_MAX]);

/* Fills p (made by vt_policy_new) so that the RA-TLS layer lets through every verified
   quote a rule might take (all statuses but Revoked, debug, the rules' advisories). */
VT_MUST_CHECK int sd_rules_base_policy(const sd_config_t *c, vt_policy_t *p);

#endif
