/* SPDX-License-Identifier: Apache-2.0 */
/* A test PKI (root, PCK CA, PCK leaf, TCB signer, CRLs) for negative tests. */
#include "test_util.h"
