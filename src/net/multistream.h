/* SPDX-License-Identifier: MIT */
/* multistream-select 1.0.0 as a sans-IO state machine, in both roles:
 * bytes in through ig_ms_input, bytes out through ig_ms_output. */
#ifndef IG_NET_MULTISTREAM_H
#define IG_NET_MULTISTREAM_H

#include <stddef.h>
#include <stdint.h>

#define IG_MS_HEADER "/multistream/1.0.0"
/* Longest message body accepted or sent, including its final '\n'. */
#define IG_MS_LINE_MAX 1024
/* Most protocols one side may offer or register. */
#define IG_MS_MAX_PROTOS 32
/* Most proposals a responder answers before it gives up. */
#define IG_MS_MAX_ATTEMPTS 32
/* Output buffer: room for a few full messages. */
#define IG_MS_OUT_MAX 4096

enum ig_ms_status {
    IG_MS_RUNNING = 0, /* still negotiating */
    IG_MS_DONE = 1,    /* a protocol was agreed; see ig_ms_selected */
};

/* One negotiation. Embed or allocate it; no heap use inside. */
struct ig_ms {
    int initiator;
    enum ig_ms_status status;
    int got_header;
    const char *const *protos; /* borrowed, must outlive the negotiation */
    size_t nprotos;
    size_t next;     /* initiator: index of the proposal in flight */
    size_t attempts; /* responder: proposals seen */
    int selected;    /* index into protos, -1 until done */
    int error;       /* sticky failure code, 0 while healthy */
    uint8_t in[IG_MS_LINE_MAX + 2];
    size_t inlen;
    uint8_t out[IG_MS_OUT_MAX];
    size_t outlen;
};

/*
 * Start as the initiator (dialer side of a connection or the opener of a
 * stream): propose protos[0], then the next one after each "na". The
 * header and the first proposal are queued for output at once. Returns
 * 0, or IG_EMULTISTREAM when nprotos is 0, over IG_MS_MAX_PROTOS, or a
 * name is empty, has '\n', or is too long.
 */
int ig_ms_init_initiator(struct ig_ms *ms,
                         const char *const *protos,
                         size_t nprotos);

/*
 * Start as the responder: accept any of protos (the registered set),
 * answer "na" to anything else and the list to "ls". The header is
 * queued for output at once. Errors as ig_ms_init_initiator.
 */
int ig_ms_init_responder(struct ig_ms *ms,
                         const char *const *protos,
                         size_t nprotos);

/*
 * Consume peer bytes. Stops right after the message that ends the
 * negotiation, so *used may be less than len: the rest belongs to the
 * agreed protocol. It also stops early when the output buffer is nearly
 * full, until the caller drains it. Any split of the input is fine (a
 * length byte may arrive alone). Returns 0, IG_ENA when the responder
 * refused every proposal (initiator only), IG_ELIMIT after
 * IG_MS_MAX_ATTEMPTS refused proposals, or IG_EMULTISTREAM for a bad
 * header, a zero or over-long length, a message without a final '\n', or
 * an answer that is neither the proposal nor "na". After an error the
 * state is dead and the connection or stream should be closed.
 */
int ig_ms_input(struct ig_ms *ms,
                const uint8_t *in,
                size_t len,
                size_t *used,
                char *err,
                size_t errlen);

/* Bytes waiting to be sent (pointer into ms, *len may be 0). */
const uint8_t *ig_ms_output(const struct ig_ms *ms, size_t *len);

/* Drop the first n output bytes once they were written. */
void ig_ms_output_consume(struct ig_ms *ms, size_t n);

/* The agreed protocol, or NULL while negotiating. */
const char *ig_ms_selected(const struct ig_ms *ms);

/*
 * Frame one message (varint length, body, '\n') into out. For callers
 * that pipeline a proposal with their first data. Returns the length, or
 * IG_ETOOBIG when the body is over IG_MS_LINE_MAX - 1 or out is short.
 */
int ig_ms_frame(const char *body, uint8_t *out, size_t outlen);

#endif
