/* SPDX-License-Identifier: MIT */
/* The igord agent SDK for C: the `igor` host functions, the lifecycle an
 * agent implements, and small helpers for logging and randomness. */
#ifndef IGOR_H
#define IGOR_H

/*
 * Writing an agent
 * ----------------
 * An agent is a wasm32-wasi reactor that igord runs one tick at a time.
 * Link sdk/igor.c (ig_add_wasm_agent does) and define these four
 * functions; the SDK exports the ABI igord calls (agent_init,
 * agent_tick, agent_checkpoint, agent_checkpoint_ptr, agent_resume and
 * malloc) on top of them:
 *
 *   void igor_init(void);
 *       Called once after the module is instantiated, before any tick
 *       and before igor_load. Set up a fresh state here. Host functions
 *       may not be available yet: take observations (clock, random) in
 *       igor_tick instead, so they are recorded for replay.
 *
 *   int igor_tick(void);
 *       One step of work. Return nonzero to be ticked again soon (about
 *       10 ms), zero to wait for the normal interval (1 s).
 *
 *   void igor_save(struct igor_enc *e);
 *       Write the whole state with the igor_enc_* functions. Called
 *       between ticks whenever igord checkpoints.
 *
 *   void igor_load(struct igor_dec *d);
 *       Read back what igor_save wrote (after igor_init, when the agent
 *       resumes from a checkpoint). Check d->err after reading: a state
 *       that is too short leaves err set and every field zero.
 *
 * Everything the agent observes must come through the igor host
 * functions below (or WASI clocks and random, which igord records the
 * same way), so that any tick can be replayed from its checkpoint.
 * Each import needs its capability in agent.manifest.json, e.g.
 *   {"capabilities": {"clock": {"version": 1}, "log": {"version": 1}}}
 * An import the manifest does not grant makes igord refuse the agent.
 *
 * A minimal agent:
 *
 *   #include "igor.h"
 *   static uint64_t count;
 *   void igor_init(void) { count = 0; }
 *   int igor_tick(void) { igor_logf("tick %llu", ++count); return 0; }
 *   void igor_save(struct igor_enc *e) { igor_enc_u64(e, count); }
 *   void igor_load(struct igor_dec *d) { count = igor_dec_u64(d); }
 */

#include <stddef.h>
#include <stdint.h>

#include "igor_state.h"

#define IGOR_IMPORT(name)                                                      \
    __attribute__((import_module("igor"), import_name(#name)))

/* ---- host functions, grouped by capability ---- */

/* clock: wall-clock time, Unix nanoseconds. */
IGOR_IMPORT(clock_now) int64_t igor_clock_now(void);

/* rand: fill buf with len random bytes. 0 on success; -2 when len is
 * over 64 MiB, -1 on a host failure, -4 when buf is out of bounds. */
IGOR_IMPORT(rand_bytes) int32_t igor_rand_bytes(void *buf, uint32_t len);

/* log: emit one log line (not NUL-terminated; at most 1 MiB). */
IGOR_IMPORT(log_emit) void igor_log_emit(const char *msg, uint32_t len);

/* wallet: the budget left, in microcents (1 unit = 1,000,000). */
IGOR_IMPORT(wallet_balance) int64_t igor_wallet_balance(void);

/* wallet: how many node receipts the agent holds. */
IGOR_IMPORT(wallet_receipt_count) int32_t igor_wallet_receipt_count(void);

/* wallet: copy receipt idx into buf. Returns its length, -1 for a bad
 * index, -4 when buf is too small or out of bounds. */
IGOR_IMPORT(wallet_receipt)
int32_t igor_wallet_receipt(int32_t idx, void *buf, uint32_t len);

/* pricing: the node's price, microcents per second of tick time. */
IGOR_IMPORT(node_price) int64_t igor_node_price(void);

/*
 * http: one HTTP request. headers is "Key: Value\n" lines. On success
 * resp holds [u32 body length][body] and the HTTP status is returned;
 * -1 transport failure, -2 an input over its limit, -3 host not
 * allowed, -4 timeout, -5 resp too small (the needed size is written
 * as a u32 at resp when resp_cap >= 4).
 */
IGOR_IMPORT(http_request)
int32_t igor_http_request(const char *method,
                          uint32_t method_len,
                          const char *url,
                          uint32_t url_len,
                          const char *headers,
                          uint32_t headers_len,
                          const void *body,
                          uint32_t body_len,
                          void *resp,
                          uint32_t resp_cap);

/*
 * x402: pay amount microcents to recipient. On success receipt holds
 * [u32 length][receipt] and the bytes written are returned; -1 budget
 * too low, -2 input too long, -3 recipient not allowed, -4 amount over
 * the cap, -5 receipt buffer too small (needed length written as u32),
 * -6 other failure.
 */
IGOR_IMPORT(wallet_pay)
int32_t igor_wallet_pay(int64_t amount,
                        const char *recipient,
                        uint32_t recipient_len,
                        const char *memo,
                        uint32_t memo_len,
                        void *receipt,
                        uint32_t receipt_cap);

/* ---- the lifecycle an agent defines (see above) ---- */

void igor_init(void);
int igor_tick(void);
void igor_save(struct igor_enc *e);
void igor_load(struct igor_dec *d);

/* ---- helpers ---- */

/* Longest line igor_logf formats; longer output is cut there. */
#define IGOR_LOG_MAX 1024

/* Log a NUL-terminated string (log capability). */
void igor_log(const char *msg);

/* printf-style logging (log capability). */
void igor_logf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A random u32 from igor_rand_bytes (rand capability); 0 on failure. */
uint32_t igor_rand_u32(void);

/* Nanoseconds per second, for clock arithmetic. */
#define IGOR_NS_PER_SEC 1000000000LL

#endif
