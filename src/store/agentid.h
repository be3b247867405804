/* SPDX-License-Identifier: MIT */
/* Agent IDs: validation before an ID touches a path, and derivation of
 * a default ID from the wasm file name. */
#ifndef IG_STORE_AGENTID_H
#define IG_STORE_AGENTID_H

#include <stddef.h>

#define IG_AGENT_ID_MAX 128

/*
 * 0 when id is 1..128 characters of [A-Za-z0-9._-] not starting with
 * '.', else IG_EAGENT_ID with the reason in err. id may be NULL
 * (refused).
 */
int ig_agentid_validate(const char *id, char *err, size_t errlen);

/*
 * The default ID for a wasm path, as the reference derives it: the file
 * name without its extension; if that is empty or "agent", the parent
 * directory's name; if that is empty or ".", "agent". So
 * agents/liquidation/agent.wasm -> "liquidation". The result is
 * validated: IG_EAGENT_ID when it is not a valid ID, -ENOSPC when out
 * is too small (IG_AGENT_ID_MAX + 1 always suffices).
 */
int ig_agentid_from_path(const char *wasm_path,
                         char *out,
                         size_t outlen,
                         char *err,
                         size_t errlen);

#endif
