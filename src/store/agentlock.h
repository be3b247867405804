/* SPDX-License-Identifier: MIT */
/* The per-agent run lock: <dir>/<id>.lock, held with flock(2) by the one
 * process that ticks the agent, so no two processes run it at once. */
#ifndef IG_STORE_AGENTLOCK_H
#define IG_STORE_AGENTLOCK_H

#include <stddef.h>

#include "store/storage.h"

/*
 * Take the exclusive lock of agent id in store s, without waiting: open
 * (creating, mode 0644) <id>.lock and flock(LOCK_EX | LOCK_NB) it. On
 * success *fd holds the open file, which holds the lock until it is
 * given to ig_agentlock_release (or the process ends: a lock file left
 * by a dead process never blocks). Take it before reading or writing
 * any of the agent's files. Errors: -EWOULDBLOCK when another open file
 * holds the lock (err names the path); IG_EAGENT_ID; -errno. The fd is
 * close-on-exec and *fd is -1 on error.
 */
int ig_agentlock_take(struct ig_store *s,
                      const char *id,
                      int *fd,
                      char *err,
                      size_t errlen);

/* Release the lock taken as fd (-1 is fine). The file stays. */
void ig_agentlock_release(int fd);

#endif
