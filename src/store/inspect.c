/* SPDX-License-Identifier: MIT */
/* `igord inspect`: one checkpoint decoded, checked and printed. */
#include "store/inspect.h"

#include <string.h>
#include <time.h>

#include "store/budget.h"
#include "store/did.h"
#include "util/err.h"
#include "util/hex.h"

int ig_inspect(const uint8_t *blob,
               size_t len,
               const uint8_t *wasm,
               size_t wasm_len,
               const char *wasm_path,
               struct ig_inspect *out,
               char *err,
               size_t errlen)
{
    uint8_t h[IG_CKPT_HASH_LEN];
    int rc;

    memset(out, 0, sizeof(*out));
    rc = ig_ckpt_parse(blob, len, &out->ck, err, errlen);
    if (rc < 0)
        return rc;
    out->total_len = len;
    if (out->ck.version == IG_CKPT_V4) {
        rc = ig_ckpt_verify(blob, len, NULL, 0);
        if (rc < 0 && rc != IG_ECKPT_SIGNATURE)
            return rc;
        out->sig_valid = rc == 0;
    }
    if (wasm) {
        ig_ckpt_wasm_hash(wasm, wasm_len, h);
        out->wasm_checked = 1;
        out->wasm_match = memcmp(h, out->ck.wasm_hash, sizeof(h)) == 0;
        out->wasm_path = wasm_path ? wasm_path : "(wasm)";
    }
    return 0;
}

static void print_hex_field(FILE *f,
                            const char *label,
                            const uint8_t *p,
                            size_t n)
{
    char hex[2 * 64 + 1];

    ig_hex_encode(p, n, hex, sizeof(hex));
    fprintf(f, "%-18s%s\n", label, hex);
}

static void print_amount(FILE *f, const char *label, int64_t v)
{
    char s[IG_BUDGET_STR_MAX];

    ig_budget_format(v, s, sizeof(s));
    fprintf(f, "%-18s%s (%lld microcents)\n", label, s, (long long)v);
}

/* Lease expiry as RFC 3339 UTC (whole seconds), or the raw number when
 * the year is out of range for the C library. */
static void print_expiry(FILE *f, int64_t ns)
{
    time_t secs = (time_t)(ns / 1000000000);
    struct tm tm;
    char s[64];

    if (ns % 1000000000 < 0)
        secs--;
    if (ns <= 0) {
        fprintf(f, "%-18s(none)\n", "Lease Expiry:");
        return;
    }
    if (!gmtime_r(&secs, &tm) ||
        strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        fprintf(f, "%-18s%lld ns\n", "Lease Expiry:", (long long)ns);
        return;
    }
    fprintf(f, "%-18s%s\n", "Lease Expiry:", s);
}

static void dump_line(FILE *f, const uint8_t *p, size_t n, size_t off)
{
    fprintf(f, "  %08zx  ", off);
    for (size_t j = 0; j < 16; j++) {
        if (j < n)
            fprintf(f, "%02x ", p[j]);
        else
            fputs("   ", f);
        if (j == 7)
            fputc(' ', f);
    }
    fputs(" |", f);
    for (size_t j = 0; j < n; j++)
        fputc(p[j] >= 0x20 && p[j] < 0x7f ? p[j] : '.', f);
    fputs("|\n", f);
}

static void dump_state(FILE *f, const uint8_t *p, size_t len)
{
    size_t shown = len < IG_INSPECT_DUMP_MAX ? len : IG_INSPECT_DUMP_MAX;

    fputs("\nState Hex Dump:\n", f);
    for (size_t off = 0; off < shown; off += 16)
        dump_line(f, p + off, shown - off < 16 ? shown - off : 16, off);
    if (len > shown)
        fprintf(f, "  ... (%zu more bytes)\n", len - shown);
}

static void print_lineage(FILE *f, const struct ig_inspect *in)
{
    print_hex_field(f, "Agent Identity:", in->ck.pubkey, IG_CKPT_PUBKEY_LEN);
    print_hex_field(f, "Previous Hash:", in->ck.prev_hash, IG_CKPT_HASH_LEN);
    fprintf(f, "%-18s%s\n", "Signature:", in->sig_valid ? "VALID" : "INVALID");
}

void ig_inspect_print(FILE *f, const struct ig_inspect *in)
{
    const struct ig_ckpt *c = &in->ck;
    char did[IG_DID_MAX];

    fputs("Checkpoint Inspector\n====================\n\n", f);
    fprintf(f, "%-18s%u (0x%02x)\n", "Version:", c->version, c->version);
    print_amount(f, "Budget:", c->budget);
    print_amount(f, "Price/Second:", c->price);
    fprintf(f, "%-18s%llu\n", "Tick Number:", (unsigned long long)c->tick);
    print_hex_field(f, "WASM Hash:", c->wasm_hash, IG_CKPT_HASH_LEN);
    if (c->version >= IG_CKPT_V3) {
        fprintf(f,
                "%-18s(%llu,%llu)\n",
                "Epoch:",
                (unsigned long long)c->major,
                (unsigned long long)c->lease_gen);
        print_expiry(f, c->lease_expiry);
    }
    if (c->version >= IG_CKPT_V4)
        print_lineage(f, in);
    else
        fprintf(
          f, "%-18snone (unsigned v%u checkpoint)\n", "Signature:", c->version);
    fprintf(
      f, "%-18s%d bytes\n", "Header Size:", ig_ckpt_header_len(c->version));
    fprintf(f, "%-18s%zu bytes\n", "Total Size:", in->total_len);
    fprintf(f, "%-18s%zu bytes\n", "State Size:", c->state_len);
    if (in->wasm_checked)
        fprintf(f,
                "%-18s%s %s)\n",
                "WASM Verified:",
                in->wasm_match ? "YES (matches" : "NO (mismatch with",
                in->wasm_path);
    if (c->state_len > 0)
        dump_state(f, c->state, c->state_len);
    if (c->version >= IG_CKPT_V4 &&
        ig_did_encode(c->pubkey, did, sizeof(did)) > 0)
        fprintf(f, "%-18s%s\n", "Agent DID:", did);
}
