/* SPDX-License-Identifier: MIT */
/* sentinel: a treasury that spends every tick and refills itself through
 * a two-tick "bridge transfer" tracked in the SDK's effect log, so a
 * resume in the middle of a transfer shows an UNRESOLVED intent being
 * reconciled instead of paid twice. */
#include "igor.h"
#include "igor_effects.h"

#include <stdio.h>

#define START_CENTS 1000000ULL /* $10,000.00 */
#define LOW_CENTS 300000ULL
#define REFILL_CENTS 500000ULL

static struct {
    uint64_t ticks;
    int64_t birth_ns;
    int64_t last_ns;
    uint64_t balance;
    uint32_t refills;
    uint64_t spent;
    uint64_t rng;
} st;

static struct igor_effects fx = IGOR_EFFECTS_INIT;

/* xorshift64: the spending pattern, a pure function of the state. */
static uint64_t next_rand(void)
{
    st.rng ^= st.rng << 13;
    st.rng ^= st.rng >> 7;
    st.rng ^= st.rng << 17;
    return st.rng;
}

static void seed(void)
{
    uint8_t b[8];

    st.rng = 0x9e3779b97f4a7c15ULL;
    if (igor_rand_bytes(b, sizeof(b)) == 0)
        for (int i = 0; i < 8; i++)
            st.rng ^= (uint64_t)b[i] << (8 * i);
    if (st.rng == 0)
        st.rng = 1;
}

static void spend(void)
{
    uint64_t amount = 5000 + next_rand() % 20000;

    if (amount > st.balance)
        amount = st.balance;
    st.balance -= amount;
    st.spent += amount;
    igor_logf("[sentinel] tick=%llu spent %llu balance %llu",
              (unsigned long long)st.ticks,
              (unsigned long long)amount,
              (unsigned long long)st.balance);
}

static void credit(const struct igor_intent *in)
{
    struct igor_dec d;

    igor_dec_init(&d, in->data, in->data_len);
    st.balance += igor_dec_u64(&d);
    st.refills++;
}

/* Move the one open intent a step: record -> send -> confirm. */
static int advance(struct igor_intent *in)
{
    char id[32];

    memcpy(id, in->id, in->id_len < 31 ? in->id_len : 31);
    id[in->id_len < 31 ? in->id_len : 31] = '\0';
    if (in->state == IGOR_INTENT_RECORDED) {
        igor_effects_begin(&fx, in->id, in->id_len);
        igor_logf("[sentinel] %s: transfer sent", id);
        return 1;
    }
    credit(in);
    igor_effects_confirm(&fx, in->id, in->id_len);
    igor_logf("[sentinel] %s: transfer confirmed, balance %llu",
              id,
              (unsigned long long)st.balance);
    igor_effects_prune(&fx);
    return 0;
}

/*
 * After a resume an in-flight transfer is UNRESOLVED: ask the bridge.
 * The bridge here is a random draw (recorded like every observation);
 * a real agent would query the other side.
 */
static void reconcile(struct igor_intent *in)
{
    uint8_t answer = 0;

    igor_rand_bytes(&answer, 1);
    if (answer % 2 == 0) {
        credit(in);
        igor_effects_confirm(&fx, in->id, in->id_len);
        igor_log("[sentinel] unresolved transfer had completed: confirmed");
    }
    else {
        igor_effects_compensate(&fx, in->id, in->id_len);
        igor_log("[sentinel] unresolved transfer never arrived: "
                 "compensated");
    }
    igor_effects_prune(&fx);
}

void igor_init(void)
{
    memset(&st, 0, sizeof(st));
    igor_effects_free(&fx);
}

int igor_tick(void)
{
    int64_t now = igor_clock_now();
    struct igor_intent *in = fx.n ? &fx.v[0] : NULL;
    char id[32];

    if (st.ticks == 0) {
        st.birth_ns = now;
        st.balance = START_CENTS;
        seed();
    }
    st.ticks++;
    st.last_ns = now;
    if (in && in->state == IGOR_INTENT_UNRESOLVED) {
        reconcile(in);
        return 1;
    }
    if (in)
        return advance(in);
    spend();
    if (st.balance >= LOW_CENTS)
        return 0;
    snprintf(id, sizeof(id), "refill-%u", (unsigned)st.refills + 1);
    {
        struct igor_enc data = IGOR_ENC_INIT;

        igor_enc_u64(&data, REFILL_CENTS);
        if (!data.err &&
            igor_effects_record(
              &fx, id, (uint32_t)strlen(id), data.buf, (uint32_t)data.len) == 0)
            igor_logf("[sentinel] %s: intent recorded", id);
        igor_enc_free(&data);
    }
    return 1;
}

void igor_save(struct igor_enc *e)
{
    igor_enc_u64(e, st.ticks);
    igor_enc_i64(e, st.birth_ns);
    igor_enc_i64(e, st.last_ns);
    igor_enc_u64(e, st.balance);
    igor_enc_u32(e, st.refills);
    igor_enc_u64(e, st.spent);
    igor_enc_u64(e, st.rng);
    igor_effects_save(&fx, e);
}

void igor_load(struct igor_dec *d)
{
    st.ticks = igor_dec_u64(d);
    st.birth_ns = igor_dec_i64(d);
    st.last_ns = igor_dec_i64(d);
    st.balance = igor_dec_u64(d);
    st.refills = igor_dec_u32(d);
    st.spent = igor_dec_u64(d);
    st.rng = igor_dec_u64(d);
    if (igor_effects_load(&fx, d) < 0 || d->err) {
        igor_log("[sentinel] saved state unreadable, starting over");
        igor_init();
        return;
    }
    if (igor_effects_unresolved(&fx))
        igor_logf("[sentinel] resumed with %u unresolved transfer(s)",
                  (unsigned)igor_effects_unresolved(&fx));
}
