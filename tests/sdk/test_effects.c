/* SPDX-License-Identifier: MIT */
/* The SDK's effect log, natively: transitions, the resume rule, pruning
 * and the wire format, including every truncation. */
#define IG_TEST_MAIN
#include "test.h"

#include "igor_effects.h"

#define ID(s) (s), (uint32_t)strlen(s)

/* Save e, then load it into a fresh log (the resume path). */
static void reload(struct igor_effects *e, struct igor_effects *out)
{
    struct igor_enc enc = IGOR_ENC_INIT;
    struct igor_dec d;

    igor_effects_save(e, &enc);
    ASSERT_EQ(enc.err, 0);
    igor_dec_init(&d, enc.buf, enc.len);
    ASSERT_OK(igor_effects_load(out, &d));
    ASSERT_EQ(d.err, 0);
    ASSERT_EQ(igor_dec_remaining(&d), 0);
    igor_enc_free(&enc);
}

TEST(happy_path)
{
    struct igor_effects e = IGOR_EFFECTS_INIT;

    ASSERT_OK(igor_effects_record(&e, ID("pay-1"), "amount", 6));
    ASSERT_EQ(igor_effects_get(&e, ID("pay-1"))->state, IGOR_INTENT_RECORDED);
    ASSERT_OK(igor_effects_begin(&e, ID("pay-1")));
    ASSERT_EQ(igor_effects_get(&e, ID("pay-1"))->state, IGOR_INTENT_IN_FLIGHT);
    ASSERT_OK(igor_effects_confirm(&e, ID("pay-1")));
    ASSERT_EQ(igor_effects_get(&e, ID("pay-1"))->state, IGOR_INTENT_CONFIRMED);
    ASSERT_EQ(igor_effects_pending(&e), 0);
    ASSERT_EQ(igor_effects_prune(&e), 1);
    ASSERT_EQ(e.n, 0);
    igor_effects_free(&e);
}

TEST(duplicate_and_not_found)
{
    struct igor_effects e = IGOR_EFFECTS_INIT;

    ASSERT_OK(igor_effects_record(&e, ID("a"), NULL, 0));
    ASSERT_EQ(igor_effects_record(&e, ID("a"), "x", 1), IGOR_EFFECT_EXISTS);
    ASSERT_EQ(igor_effects_begin(&e, ID("b")), IGOR_EFFECT_NOT_FOUND);
    ASSERT_EQ(igor_effects_confirm(&e, ID("b")), IGOR_EFFECT_NOT_FOUND);
    ASSERT_EQ(igor_effects_compensate(&e, ID("b")), IGOR_EFFECT_NOT_FOUND);
    ASSERT_TRUE(igor_effects_get(&e, ID("b")) == NULL);
    /* IDs compare as bytes: "a" and "a\0" differ. */
    ASSERT_OK(igor_effects_record(&e, "a", 2, NULL, 0));
    ASSERT_EQ(e.n, 2);
    igor_effects_free(&e);
}

TEST(invalid_transitions)
{
    struct igor_effects e = IGOR_EFFECTS_INIT;

    ASSERT_OK(igor_effects_record(&e, ID("a"), NULL, 0));
    ASSERT_EQ(igor_effects_confirm(&e, ID("a")), IGOR_EFFECT_BAD_TRANSITION);
    ASSERT_EQ(igor_effects_compensate(&e, ID("a")), IGOR_EFFECT_BAD_TRANSITION);
    ASSERT_OK(igor_effects_begin(&e, ID("a")));
    ASSERT_EQ(igor_effects_begin(&e, ID("a")), IGOR_EFFECT_BAD_TRANSITION);
    ASSERT_OK(igor_effects_confirm(&e, ID("a")));
    ASSERT_EQ(igor_effects_begin(&e, ID("a")), IGOR_EFFECT_BAD_TRANSITION);
    ASSERT_EQ(igor_effects_confirm(&e, ID("a")), IGOR_EFFECT_BAD_TRANSITION);
    ASSERT_EQ(igor_effects_compensate(&e, ID("a")), IGOR_EFFECT_BAD_TRANSITION);
    igor_effects_free(&e);
}

/* RECORDED stays, IN_FLIGHT becomes UNRESOLVED, CONFIRMED stays. */
TEST(resume_rule)
{
    struct igor_effects e = IGOR_EFFECTS_INIT, r = IGOR_EFFECTS_INIT;

    ASSERT_OK(igor_effects_record(&e, ID("rec"), "1", 1));
    ASSERT_OK(igor_effects_record(&e, ID("fly"), "22", 2));
    ASSERT_OK(igor_effects_record(&e, ID("done"), "333", 3));
    ASSERT_OK(igor_effects_begin(&e, ID("fly")));
    ASSERT_OK(igor_effects_begin(&e, ID("done")));
    ASSERT_OK(igor_effects_confirm(&e, ID("done")));
    reload(&e, &r);
    ASSERT_EQ(r.n, 3);
    ASSERT_EQ(igor_effects_get(&r, ID("rec"))->state, IGOR_INTENT_RECORDED);
    ASSERT_EQ(igor_effects_get(&r, ID("fly"))->state, IGOR_INTENT_UNRESOLVED);
    ASSERT_EQ(igor_effects_get(&r, ID("done"))->state, IGOR_INTENT_CONFIRMED);
    ASSERT_EQ(igor_effects_unresolved(&r), 1);
    ASSERT_EQ(igor_effects_pending(&r), 2);
    ASSERT_EQ(igor_effects_get(&r, ID("fly"))->data_len, 2);
    ASSERT_MEM_EQ(igor_effects_get(&r, ID("fly"))->data, "22", 2);
    /* An unresolved intent can be settled either way, once. */
    ASSERT_OK(igor_effects_confirm(&r, ID("fly")));
    ASSERT_EQ(igor_effects_compensate(&r, ID("fly")),
              IGOR_EFFECT_BAD_TRANSITION);
    igor_effects_free(&e);
    igor_effects_free(&r);
}

TEST(compensate_paths)
{
    struct igor_effects e = IGOR_EFFECTS_INIT, r = IGOR_EFFECTS_INIT;

    ASSERT_OK(igor_effects_record(&e, ID("a"), NULL, 0));
    ASSERT_OK(igor_effects_record(&e, ID("b"), NULL, 0));
    ASSERT_OK(igor_effects_begin(&e, ID("a")));
    ASSERT_OK(igor_effects_compensate(&e, ID("a"))); /* from IN_FLIGHT */
    ASSERT_OK(igor_effects_begin(&e, ID("b")));
    reload(&e, &r);
    ASSERT_OK(igor_effects_compensate(&r, ID("b"))); /* from UNRESOLVED */
    ASSERT_EQ(igor_effects_confirm(&r, ID("b")), IGOR_EFFECT_BAD_TRANSITION);
    ASSERT_EQ(igor_effects_prune(&r), 2);
    igor_effects_free(&e);
    igor_effects_free(&r);
}

TEST(prune_keeps_unfinished_in_order)
{
    struct igor_effects e = IGOR_EFFECTS_INIT;
    char id[8];

    for (int i = 0; i < 10; i++) {
        snprintf(id, sizeof(id), "i%d", i);
        ASSERT_OK(igor_effects_record(&e, ID(id), id, 2));
        if (i % 3 == 0) {
            ASSERT_OK(igor_effects_begin(&e, ID(id)));
            ASSERT_OK(igor_effects_confirm(&e, ID(id)));
        }
    }
    ASSERT_EQ(igor_effects_prune(&e), 4);
    ASSERT_EQ(e.n, 6);
    ASSERT_MEM_EQ(e.v[0].id, "i1", 2);
    ASSERT_MEM_EQ(e.v[5].id, "i8", 2);
    ASSERT_EQ(igor_effects_prune(&e), 0);
    igor_effects_free(&e);
}

TEST(wire_format)
{
    static const uint8_t want[] = {
        2, 0, 0, 0,                               /* count */
        1, 1, 0, 0, 0, 'k', 2, 0, 0, 0, 'd', 'd', /* RECORDED "k" "dd" */
        2, 0, 0, 0, 0, 0,   0, 0, 0,              /* IN_FLIGHT "" "" */
    };
    struct igor_effects e = IGOR_EFFECTS_INIT;
    struct igor_enc enc = IGOR_ENC_INIT;

    igor_effects_save(&e, &enc);
    ASSERT_EQ(enc.len, 4); /* an empty log is just its count */
    igor_enc_reset(&enc);
    ASSERT_OK(igor_effects_record(&e, ID("k"), "dd", 2));
    ASSERT_OK(igor_effects_record(&e, "", 0, NULL, 0));
    ASSERT_OK(igor_effects_begin(&e, "", 0));
    igor_effects_save(&e, &enc);
    ASSERT_EQ(enc.len, sizeof(want));
    ASSERT_MEM_EQ(enc.buf, want, sizeof(want));
    igor_enc_free(&enc);
    igor_effects_free(&e);
}

/* A cut anywhere keeps the complete intents before it and flags err. */
TEST(load_every_truncation)
{
    struct igor_effects e = IGOR_EFFECTS_INIT, r = IGOR_EFFECTS_INIT;
    struct igor_enc enc = IGOR_ENC_INIT;
    size_t first_end = 4 + 1 + 4 + 3 + 4 + 5;

    ASSERT_OK(igor_effects_record(&e, ID("one"), "hello", 5));
    ASSERT_OK(igor_effects_record(&e, ID("two"), "world", 5));
    igor_effects_save(&e, &enc);
    for (size_t n = 0; n < enc.len; n++) {
        struct igor_dec d;

        igor_dec_init(&d, enc.buf, n);
        ASSERT_OK(igor_effects_load(&r, &d));
        ASSERT_EQ(d.err, 1);
        ASSERT_EQ(r.n, n >= first_end ? 1 : 0);
    }
    igor_effects_free(&r);
    igor_effects_free(&e);
    igor_enc_free(&enc);
}

TEST(load_rejects_bad_state_and_huge_count)
{
    static const uint8_t bad_state[] = {
        1, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0
    };
    static const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff, 1, 0, 0,
                                    0,    0,    0,    0,    0, 0 };
    struct igor_effects r = IGOR_EFFECTS_INIT;
    struct igor_dec d;

    igor_dec_init(&d, bad_state, sizeof(bad_state));
    ASSERT_OK(igor_effects_load(&r, &d));
    ASSERT_EQ(r.n, 0);
    igor_dec_init(&d, huge, sizeof(huge));
    ASSERT_OK(igor_effects_load(&r, &d));
    ASSERT_EQ(r.n, 1);
    ASSERT_EQ(d.err, 1);
    igor_effects_free(&r);
}
