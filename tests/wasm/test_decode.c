/* SPDX-License-Identifier: MIT */
/* Decoder and validator tests: hand-built binaries for every section, each
 * limit and each malformed or invalid class, plus truncation and mutation
 * sweeps that must fail cleanly. */
#define IG_TEST_MAIN
#include "test.h"

#include "sample_module.h"
#include "wasm/reader.h"
#include "wasm/wasm.h"

/* A module from the bytes after the header, given as a string literal. */
#define HDR "\x00\x61\x73\x6d\x01\x00\x00\x00"
#define MOD(s) (const uint8_t *)(HDR s), sizeof(HDR s) - 1

/* Type section with one type: () -> () */
#define T_VOID "\x01\x04\x01\x60\x00\x00"
/* Function section: one function of type 0 */
#define F_ONE "\x03\x02\x01\x00"
/* Memory section: one memory of 1 page */
#define M_ONE "\x05\x03\x01\x00\x01"

static char err[256];

static int load(const uint8_t *b, size_t n)
{
    ig_wasm_module_t *m = NULL;
    int rc;

    err[0] = '\0';
    rc = ig_wasm_module_load(b, n, &m, err, sizeof err);
    if (rc == 0 && !m)
        return -1;
    if (rc != 0 && m)
        return -2;
    ig_wasm_module_free(m);
    return rc;
}

/* Load and expect code, with a message that names the offset and the
 * given text. */
#define EXPECT(code, text, ...)                                                \
    do {                                                                       \
        ASSERT_EQ(load(__VA_ARGS__), (code));                                  \
        if (!strstr(err, "offset"))                                            \
            IG_TEST_FAIL("no offset in \"%s\"", err);                          \
        if (!strstr(err, (text)))                                              \
            IG_TEST_FAIL("\"%s\" lacks \"%s\"", err, (text));                  \
    } while (0)

#define MALFORMED(text, ...) EXPECT(IG_EWASM_MALFORMED, text, __VA_ARGS__)
#define INVALID(text, ...) EXPECT(IG_EWASM_INVALID, text, __VA_ARGS__)

/* A one-function module (with a memory) around a body: its locals vector
 * and instructions. The arguments of load() for it. */
static uint8_t body_buf[256];

static size_t put_leb(uint8_t *p, size_t v)
{
    size_t n = 0;

    do {
        p[n] = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v)
            p[n] |= 0x80;
        n++;
    } while (v);
    return n;
}

static size_t make_body(const char *code, size_t n)
{
    static const char pre[] = HDR T_VOID F_ONE M_ONE "\x0a";
    uint8_t entry[8];
    size_t k = sizeof pre - 1, e = put_leb(entry, n);

    memcpy(body_buf, pre, k);
    k += put_leb(body_buf + k, 1 + e + n);
    body_buf[k++] = 1;
    memcpy(body_buf + k, entry, e);
    k += e;
    memcpy(body_buf + k, code, n);
    return k + n;
}

#define BODY(s) body_buf, make_body((s), sizeof(s) - 1)

TEST(empty_module)
{
    ig_wasm_module_t *m = NULL;

    ASSERT_OK(ig_wasm_module_load(MOD(""), &m, err, sizeof err));
    ASSERT_EQ(ig_wasm_module_import_count(m), 0);
    ASSERT_EQ(ig_wasm_module_export_count(m), 0);
    ig_wasm_module_free(m);
    ig_wasm_module_free(NULL);
}

TEST(header)
{
    MALFORMED("unexpected end", (const uint8_t *)"", 0);
    MALFORMED("unexpected end", (const uint8_t *)"\0as", 3);
    MALFORMED("magic header not detected", (const uint8_t *)"asm\0", 4);
    MALFORMED("magic header not detected", (const uint8_t *)"\0asn\1\0\0\0", 8);
    MALFORMED("unknown binary version", (const uint8_t *)"\0asm\2\0\0\0", 8);
    MALFORMED("unexpected end", (const uint8_t *)"\0asm\1\0", 6);
}

TEST(leb128)
{
    /* Type count 1 written in 5 bytes is fine; 6 is too long. */
    ASSERT_OK(load(MOD("\x01\x08\x81\x80\x80\x80\x00\x60\x00\x00")));
    MALFORMED("integer representation too long",
              MOD("\x01\x09\x81\x80\x80\x80\x80\x00\x60\x00\x00"));
    /* Unused bits of the fifth byte of a u32 must be zero. */
    MALFORMED("integer too large",
              MOD("\x01\x08\x81\x80\x80\x80\x10\x60\x00\x00"));
    /* i32.const with a sign-extension violation in its last byte. */
    MALFORMED("integer too large",
              BODY("\x00\x41\x80\x80\x80\x80\x70\x1a\x0b"));
    ASSERT_OK(load(BODY("\x00\x41\x80\x80\x80\x80\x78\x1a\x0b")));
    /* i64.const: the tenth byte may only carry the sign. */
    ASSERT_OK(load(BODY("\x00\x42\x80\x80\x80\x80\x80\x80\x80"
                        "\x80\x80\x7f\x1a\x0b")));
    MALFORMED("integer too large",
              BODY("\x00\x42\x80\x80\x80\x80\x80\x80\x80"
                   "\x80\x80\x01\x1a\x0b"));
    MALFORMED("unexpected end", MOD("\x01\x01\x81"));
    /* Two-byte forms: i32.const -8192 and 8191, and a u32 index. */
    ASSERT_OK(load(BODY("\x00\x41\x80\x40\x1a\x41\xff\x3f\x1a\x0b")));
    INVALID("unknown local 128", BODY("\x00\x20\x80\x01\x1a\x0b"));
    INVALID("unknown local 16383", BODY("\x00\x20\xff\x7f\x1a\x0b"));
}

static int64_t leb_s(const char *b, size_t n, int bits)
{
    struct ig_wasm_reader r;
    int32_t v32;
    int64_t v64;
    int rc;

    ig_wasm__reader_init(&r, (const uint8_t *)b, n);
    if (bits == 32) {
        rc = ig_wasm__read_s32(&r, &v32);
        v64 = v32;
    }
    else if (bits == 33) {
        rc = ig_wasm__read_s33(&r, &v64);
    }
    else {
        rc = ig_wasm__read_s64(&r, &v64);
    }
    ASSERT_OK(rc);
    ASSERT_EQ(r.p - r.start, (long long)n);
    return v64;
}

static uint32_t leb_u(const char *b, size_t n)
{
    struct ig_wasm_reader r;
    uint32_t v;

    ig_wasm__reader_init(&r, (const uint8_t *)b, n);
    ASSERT_OK(ig_wasm__read_u32(&r, &v));
    ASSERT_EQ(r.p - r.start, (long long)n);
    return v;
}

#define LEB_S(s, bits) leb_s((s), sizeof(s) - 1, (bits))
#define LEB_U(s) leb_u((s), sizeof(s) - 1)

TEST(reader_values)
{
    ASSERT_EQ(LEB_U("\x7f"), 127);
    ASSERT_EQ(LEB_U("\x80\x01"), 128);
    ASSERT_EQ(LEB_U("\xff\x7f"), 16383);
    ASSERT_EQ(LEB_U("\x80\x80\x01"), 16384);
    ASSERT_U64_EQ(LEB_U("\xff\xff\xff\xff\x0f"), 0xffffffffu);
    ASSERT_EQ(LEB_S("\x7f", 32), -1);
    ASSERT_EQ(LEB_S("\x40", 32), -64);
    ASSERT_EQ(LEB_S("\x3f", 32), 63);
    ASSERT_EQ(LEB_S("\x80\x40", 32), -8192);
    ASSERT_EQ(LEB_S("\xff\x3f", 32), 8191);
    ASSERT_EQ(LEB_S("\x80\x7f", 32), -128);
    ASSERT_EQ(LEB_S("\x80\x80\x80\x80\x78", 32), INT32_MIN);
    ASSERT_EQ(LEB_S("\xff\xff\xff\xff\x07", 32), INT32_MAX);
    ASSERT_EQ(LEB_S("\xff\xff\xff\xff\x0f", 33), 0xffffffffll);
    ASSERT_EQ(LEB_S("\x80\x80\x80\x80\x70", 33), -(1ll << 32));
    ASSERT_EQ(LEB_S("\x80\x80\x80\x80\x80\x80\x80\x80\x80\x7f", 64), INT64_MIN);
    ASSERT_EQ(LEB_S("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00", 64), INT64_MAX);
}

TEST(sections_all_kinds)
{
    /* Types: 0 () -> (), 1 (i32) -> (i32). Imports: func, table, memory,
     * global. Then a function, table, global, exports, start, element
     * segments of all eight forms, data count, code and data of all
     * three forms, with custom sections in between. */
    static const uint8_t bin[] =
      HDR "\x00\x02\x01\x61\x01\x09\x02\x60\x00\x00\x60\x01\x7f\x01\x7f\x02"
          "\x1e\x04\x01\x6d\x01\x66\x00\x01\x01\x6d\x01\x74\x01\x70\x00\x01"
          "\x01\x6d\x01\x4d\x02\x01\x01\x02\x01\x6d\x01\x67\x03\x7f\x00\x00"
          "\x02\x01\x7a\x03\x03\x02\x00\x01\x04\x04\x01\x6f\x00\x00\x06\x06"
          "\x01\x7f\x01\x41\x07\x0b\x07\x09\x02\x01\x73\x00\x01\x01\x67\x03"
          "\x01\x08\x01\x01\x09\x35\x08\x00\x41\x00\x0b\x01\x00\x01\x00\x01"
          "\x01\x02\x00\x41\x00\x0b\x00\x01\x02\x03\x00\x01\x02\x04\x41\x00"
          "\x0b\x01\xd2\x00\x0b\x05\x70\x01\xd0\x70\x0b\x06\x01\x23\x00\x0b"
          "\x6f\x01\xd0\x6f\x0b\x07\x70\x01\xd2\x01\x0b\x0c\x01\x03\x0a\x0b"
          "\x02\x02\x00\x0b\x06\x01\x01\x7e\x20\x00\x0b\x0b\x11\x03\x00\x41"
          "\x00\x0b\x01\x78\x01\x02\x79\x79\x02\x00\x41\x01\x0b\x00\x00\x02"
          "\x01\x7a";
    ig_wasm_module_t *m = NULL;
    struct ig_wasm_import_info ii;
    struct ig_wasm_export_info ei;
    struct ig_wasm_functype ft;

    ASSERT_OK(ig_wasm_module_load(bin, sizeof bin - 1, &m, err, sizeof err));
    ASSERT_EQ(ig_wasm_module_import_count(m), 4);
    ASSERT_OK(ig_wasm_module_import(m, 0, &ii));
    ASSERT_STR_EQ(ii.module, "m");
    ASSERT_STR_EQ(ii.name, "f");
    ASSERT_EQ(ii.kind, IG_WASM_EXTERN_FUNC);
    ASSERT_EQ(ii.type.nparams, 1);
    ASSERT_EQ(ii.type.params[0], IG_WASM_I32);
    ASSERT_OK(ig_wasm_module_import(m, 1, &ii));
    ASSERT_EQ(ii.kind, IG_WASM_EXTERN_TABLE);
    ASSERT_EQ(ii.valtype, IG_WASM_FUNCREF);
    ASSERT_EQ(ii.limits.min, 1);
    ASSERT_EQ(ii.limits.has_max, 0);
    ASSERT_OK(ig_wasm_module_import(m, 2, &ii));
    ASSERT_EQ(ii.kind, IG_WASM_EXTERN_MEMORY);
    ASSERT_EQ(ii.limits.min, 1);
    ASSERT_EQ(ii.limits.max, 2);
    ASSERT_EQ(ii.limits.has_max, 1);
    ASSERT_OK(ig_wasm_module_import(m, 3, &ii));
    ASSERT_EQ(ii.kind, IG_WASM_EXTERN_GLOBAL);
    ASSERT_EQ(ii.valtype, IG_WASM_I32);
    ASSERT_EQ(ii.mutable_, 0);
    ASSERT_EQ(ig_wasm_module_import(m, 4, &ii), IG_ENOTFOUND);
    ASSERT_EQ(ig_wasm_module_export_count(m), 2);
    ASSERT_OK(ig_wasm_module_export(m, 1, &ei));
    ASSERT_EQ(ei.name_len, 1);
    ASSERT_STR_EQ(ei.name, "g");
    ASSERT_EQ(ei.kind, IG_WASM_EXTERN_GLOBAL);
    ASSERT_EQ(ei.index, 1);
    ASSERT_OK(ig_wasm_module_export_functype(m, "s", &ft));
    ASSERT_EQ(ft.nparams, 0);
    ASSERT_EQ(ft.nresults, 0);
    ASSERT_EQ(ig_wasm_module_export_functype(m, "g", &ft), IG_EWASM_NOEXPORT);
    ASSERT_EQ(ig_wasm_module_export_functype(m, "nope", &ft),
              IG_EWASM_NOEXPORT);
    ig_wasm_module_free(m);
}

TEST(section_order_and_size)
{
    MALFORMED("malformed section id", MOD("\x0d\x00"));
    MALFORMED("unexpected content after last section",
              MOD(T_VOID "\x01\x01\x00"));
    MALFORMED("unexpected content after last section", MOD(F_ONE T_VOID));
    /* Data count goes before code although its id is higher. */
    MALFORMED("unexpected content after last section",
              MOD(T_VOID F_ONE "\x0a\x04\x01\x02\x00\x0b\x0c\x01\x00"));
    MALFORMED("section size mismatch", MOD("\x01\x05\x01\x60\x00\x00\x00"));
    MALFORMED("unexpected end of section", MOD("\x01\x03\x01\x60\x00\x00"));
    MALFORMED("length out of bounds", MOD("\x01\x7f\x01\x60\x00\x00"));
    /* Custom sections: anywhere, but the name must be valid UTF-8. */
    ASSERT_OK(load(MOD("\x00\x01\x00" T_VOID "\x00\x04\x02hi!")));
    MALFORMED("malformed UTF-8 encoding", MOD("\x00\x03\x02\xc0\x80"));
    MALFORMED("malformed UTF-8 encoding", MOD("\x00\x04\x03\xed\xa0\x80"));
    ASSERT_OK(load(MOD("\x00\x05\x04\xf0\x9f\x98\x80")));
    MALFORMED("length out of bounds",
              MOD("\x00\x03\x05"
                  "ab"));
}

TEST(function_and_code_counts)
{
    MALFORMED("function and code section have inconsistent lengths",
              MOD(T_VOID F_ONE));
    MALFORMED("function and code section have inconsistent lengths",
              MOD(T_VOID "\x0a\x04\x01\x02\x00\x0b"));
    MALFORMED("function and code section have inconsistent lengths",
              MOD(T_VOID F_ONE "\x0a\x07\x02\x02\x00\x0b\x02\x00\x0b"));
    ASSERT_OK(load(MOD(T_VOID F_ONE "\x0a\x04\x01\x02\x00\x0b")));
    MALFORMED("section size mismatch",
              MOD(T_VOID F_ONE "\x0a\x05\x01\x03\x00\x0b\x01"));
    MALFORMED("END opcode expected",
              MOD(T_VOID F_ONE "\x0a\x05\x01\x03\x00\x05\x0b"));
    MALFORMED("unexpected end", MOD(T_VOID F_ONE "\x0a\x04\x01\x02\x00\x01"));
}

TEST(locals)
{
    /* Two declarations summing past u32: malformed. */
    MALFORMED("too many locals",
              MOD(T_VOID F_ONE "\x0a\x0f\x01\x0d\x02\xff\xff\xff\xff\x0f\x7f"
                               "\xff\xff\xff\xff\x0f\x7e\x0b"));
    /* Well-formed, but more than this engine takes. */
    EXPECT(IG_EWASM_LIMIT,
           "too many locals",
           MOD(T_VOID F_ONE "\x0a\x08\x01\x06\x01\xd1\x86\x03\x7f\x0b"));
    ASSERT_OK(load(MOD(T_VOID F_ONE "\x0a\x08\x01\x06\x01\xd0\x86\x03\x7f"
                                    "\x0b")));
    MALFORMED("malformed value type",
              MOD(T_VOID F_ONE "\x0a\x06\x01\x04\x01\x01\x40\x0b"));
    MALFORMED("SIMD", MOD(T_VOID F_ONE "\x0a\x06\x01\x04\x01\x01\x7b\x0b"));
}

TEST(data_count)
{
    ASSERT_OK(load(MOD(M_ONE "\x0c\x01\x01\x0b\x03\x01\x01\x00")));
    MALFORMED("data count and data section have inconsistent lengths",
              MOD(M_ONE "\x0c\x01\x02\x0b\x03\x01\x01\x00"));
    MALFORMED("data count and data section have inconsistent lengths",
              MOD(M_ONE "\x0c\x01\x01"));
    /* data.drop with data segments but no data count section. */
    MALFORMED("data count section required",
              MOD(T_VOID F_ONE M_ONE "\x0a\x07\x01\x05\x00\xfc\x09\x00\x0b"
                                     "\x0b\x03\x01\x01\x00"));
    ASSERT_OK(load(MOD(T_VOID F_ONE M_ONE "\x0c\x01\x01"
                                          "\x0a\x07\x01\x05\x00\xfc\x09\x00"
                                          "\x0b\x0b\x03\x01\x01\x00")));
    INVALID("unknown data segment",
            MOD(T_VOID F_ONE M_ONE "\x0c\x01\x01"
                                   "\x0a\x07\x01\x05\x00\xfc\x09\x01\x0b"
                                   "\x0b\x03\x01\x01\x00"));
    MALFORMED("malformed data segment kind", MOD(M_ONE "\x0b\x03\x01\x03\x00"));
    MALFORMED("unexpected end", MOD(M_ONE "\x0b\x04\x01\x01\x05\x00"));
}

TEST(limits)
{
    ASSERT_OK(load(MOD("\x05\x06\x01\x01\x00\x80\x80\x04")));
    INVALID("memory size must be at most 65536 pages",
            MOD("\x05\x05\x01\x00\x81\x80\x04")); /* min 65537 */
    INVALID("memory size must be at most 65536 pages",
            MOD("\x05\x06\x01\x01\x00\x81\x80\x04"));
    INVALID("size minimum must not be greater than maximum",
            MOD("\x05\x04\x01\x01\x02\x01"));
    INVALID("size minimum must not be greater than maximum",
            MOD("\x04\x05\x01\x70\x01\x02\x01"));
    /* Tables may be as large as u32 allows in a valid module. */
    ASSERT_OK(load(MOD("\x04\x08\x01\x70\x00\xff\xff\xff\xff\x0f")));
    MALFORMED("integer too large", MOD("\x05\x03\x01\x02\x00"));
    MALFORMED("integer representation too long", MOD("\x05\x03\x01\x81\x00"));
    INVALID("multiple memories", MOD("\x05\x05\x02\x00\x01\x00\x01"));
    INVALID("multiple memories",
            MOD("\x02\x08\x01\x01m\x01M\x02\x00\x00" M_ONE));
    ASSERT_OK(load(MOD("\x04\x07\x02\x70\x00\x01\x6f\x00\x01")));
}

TEST(imports_exports_malformed)
{
    MALFORMED("malformed import kind", MOD("\x02\x07\x01\x01m\x01x\x04\x00"));
    MALFORMED("malformed mutability",
              MOD("\x02\x08\x01\x01m\x01x\x03\x7f\x02"));
    MALFORMED("malformed reference type",
              MOD("\x02\x09\x01\x01m\x01x\x01\x7f\x00\x00"));
    MALFORMED("malformed UTF-8 encoding",
              MOD("\x02\x08\x01\x01\xff\x01x\x02\x00\x00"));
    MALFORMED("malformed export kind", MOD("\x07\x05\x01\x01x\x04\x00"));
    INVALID("unknown type", MOD("\x02\x07\x01\x01m\x01x\x00\x00"));
    INVALID("unknown function", MOD("\x07\x05\x01\x01x\x00\x00"));
    INVALID("unknown memory", MOD("\x07\x05\x01\x01x\x02\x00"));
    INVALID("duplicate export name",
            MOD(M_ONE "\x07\x09\x02\x01x\x02\x00\x01x\x02\x00"));
    ASSERT_OK(load(MOD(M_ONE "\x07\x09\x02\x01x\x02\x00\x01y\x02\x00")));
}

TEST(globals_and_constexprs)
{
    /* i32 global initialised by i64.const. */
    INVALID("type mismatch", MOD("\x06\x06\x01\x7f\x00\x42\x00\x0b"));
    /* Empty and doubled initialisers. */
    INVALID("type mismatch", MOD("\x06\x04\x01\x7f\x00\x0b"));
    INVALID("type mismatch", MOD("\x06\x08\x01\x7f\x00\x41\x00\x41\x00\x0b"));
    INVALID("constant expression required",
            MOD("\x06\x09\x01\x7f\x00\x41\x00\x41\x00\x6a\x0b"));
    /* global.get of a defined global, and of an imported mutable one. */
    INVALID("unknown global",
            MOD("\x06\x0b\x02\x7f\x00\x41\x00\x0b\x7f\x00"
                "\x23\x00\x0b"));
    INVALID("constant expression required",
            MOD("\x02\x08\x01\x01m\x01g\x03\x7f\x01"
                "\x06\x06\x01\x7f\x00\x23\x00\x0b"));
    ASSERT_OK(load(MOD("\x02\x08\x01\x01m\x01g\x03\x7f\x00"
                       "\x06\x06\x01\x7f\x00\x23\x00\x0b")));
    /* A non-constant expression still has to decode. */
    MALFORMED("illegal opcode", MOD("\x06\x06\x01\x7f\x00\x6a\xff\x0b"));
    /* ref.func in a global declares the function for code. */
    ASSERT_OK(load(MOD(T_VOID F_ONE "\x06\x06\x01\x70\x00\xd2\x00\x0b"
                                    "\x0a\x07\x01\x05\x00\xd2\x00\x1a\x0b")));
    INVALID("undeclared function reference",
            MOD(T_VOID F_ONE "\x0a\x07\x01\x05\x00\xd2\x00\x1a\x0b"));
}

TEST(module_errors_cite_their_entry)
{
    /* The export entry starts at offset 11, after the count. */
    INVALID("unknown function 0 (export \"x\") at offset 11",
            MOD("\x07\x05\x01\x01x\x00\x00"));
    /* The second data segment starts at offset 18. */
    INVALID("unknown memory 1 (data segment 1) at offset 18",
            MOD(M_ONE "\x0b\x09\x02\x01\x00\x02\x01\x41\x00\x0b\x00"));
    /* A body error names the function and the instruction's offset. */
    INVALID("unknown local 0 (function 0) at offset 28",
            BODY("\x00\x20\x00\x1a\x0b"));
}

TEST(start_and_elems)
{
    ASSERT_OK(load(MOD(T_VOID F_ONE "\x08\x01\x00\x0a\x04\x01\x02\x00\x0b")));
    INVALID("unknown function", MOD("\x08\x01\x00"));
    INVALID("start function",
            MOD("\x01\x05\x01\x60\x00\x01\x7f" F_ONE "\x08\x01\x00"
                "\x0a\x06\x01\x04\x00\x41\x00\x0b"));
    MALFORMED("malformed elements segment kind",
              MOD("\x09\x04\x01\x08\x00\x00"));
    MALFORMED("malformed element kind", MOD("\x09\x04\x01\x01\x01\x00"));
    INVALID("unknown table", MOD("\x09\x06\x01\x00\x41\x00\x0b\x00"));
    /* An externref segment into a funcref table. */
    INVALID("type mismatch",
            MOD("\x04\x04\x01\x70\x00\x00"
                "\x09\x08\x01\x06\x00\x41\x00\x0b\x6f\x00"));
}

TEST(body_type_errors)
{
    INVALID("type mismatch", BODY("\x00\x41\x00\x0b"));
    INVALID("type mismatch",
            BODY("\x00\x41\x00\x42\x00\x6a"
                 "\x1a\x0b"));
    INVALID("unknown local", BODY("\x00\x20\x00\x1a\x0b"));
    INVALID("unknown global", BODY("\x00\x23\x00\x1a\x0b"));
    INVALID("unknown function", BODY("\x00\x10\x05\x0b"));
    INVALID("unknown label", BODY("\x00\x0c\x01\x0b"));
    INVALID("unknown type", BODY("\x00\x02\x05\x0b\x0b"));
    INVALID("unknown table", BODY("\x00\x41\x00\x11\x00\x00\x0b"));
    INVALID("alignment must not be larger than natural",
            BODY("\x00\x41\x00\x28\x03\x00\x1a\x0b"));
    ASSERT_OK(load(BODY("\x00\x41\x00\x28\x02\x00\x1a\x0b")));
    INVALID("invalid result arity",
            BODY("\x00\x41\x00\x41\x00\x41\x00\x1c\x00\x0b"));
    INVALID("type mismatch",
            BODY("\x00\xd0\x70\xd0\x70\x41"
                 "\x00\x1b\x1a\x0b"));
    /* Code after unreachable is typed against an unknown stack. */
    ASSERT_OK(load(BODY("\x00\x00\x6a\x1a\x0b")));
    INVALID("type mismatch",
            BODY("\x00\x00\x42\x00\x6a\x1a"
                 "\x0b"));
    /* br_table targets of different arity. */
    INVALID("type mismatch",
            BODY("\x00\x02\x7f\x02\x40\x41\x00\x0e\x01\x00\x01"
                 "\x0b\x41\x00\x0b\x1a\x0b"));
    MALFORMED("zero byte expected", BODY("\x00\x3f\x01\x1a\x0b"));
    MALFORMED("illegal opcode", BODY("\x00\x06\x0b"));
    MALFORMED("SIMD", BODY("\x00\xfd\x00\x0b"));
}

/* Types 0 () -> (), 1 (i32) -> (i32), 2 () -> (i32 i32), 3 (i32 i32) ->
 * (i32); one function of type 0; tables 0 funcref and 1 externref; a
 * memory; passive element segments 0 (funcref) and 1 (externref); one
 * passive data segment. */
static const char rich_pre[] =
  HDR "\x01\x14\x04\x60\x00\x00\x60\x01\x7f\x01\x7f\x60\x00\x02\x7f\x7f"
      "\x60\x02\x7f\x7f\x01\x7f\x03\x02\x01\x00\x04\x07\x02\x70\x00\x01"
      "\x6f\x00\x01\x05\x03\x01\x00\x01\x09\x0b\x02\x01\x00\x01\x00\x05"
      "\x6f\x01\xd0\x6f\x0b\x0c\x01\x01";
static const char rich_post[] = "\x0b\x05\x01\x01\x02\x61\x62";

/* The rich module around a body given without its locals vector. */
static size_t make_rich(const char *code, size_t n)
{
    size_t k = sizeof rich_pre - 1;

    memcpy(body_buf, rich_pre, k);
    body_buf[k++] = 0x0a;
    body_buf[k++] = (uint8_t)(n + 3);
    body_buf[k++] = 1;
    body_buf[k++] = (uint8_t)(n + 1);
    body_buf[k++] = 0;
    memcpy(body_buf + k, code, n);
    k += n;
    memcpy(body_buf + k, rich_post, sizeof rich_post - 1);
    return k + sizeof rich_post - 1;
}

#define RICH(s) body_buf, make_rich((s), sizeof(s) - 1)

TEST(multi_value_blocks)
{
    /* block () -> (i32 i32); block (i32 i32) -> (i32); loop (i32) ->
     * (i32) branching to its own parameter; if (i32) -> (i32) with and
     * without else. */
    ASSERT_OK(load(RICH("\x02\x02\x41\x01\x41\x02\x0b\x1a\x1a\x0b")));
    ASSERT_OK(load(RICH("\x41\x01\x41\x02\x02\x03\x6a\x0b\x1a\x0b")));
    ASSERT_OK(load(RICH("\x41\x01\x03\x01\x0c\x00\x0b\x1a\x0b")));
    ASSERT_OK(load(RICH("\x41\x01\x41\x00\x04\x01\x05\x0b\x1a\x0b")));
    ASSERT_OK(load(RICH("\x41\x01\x41\x00\x04\x01\x0b\x1a\x0b")));
    /* An if with a result but no else, and a block missing a value. */
    INVALID("type mismatch", RICH("\x41\x00\x04\x7f\x41\x01\x0b\x1a\x0b"));
    INVALID("type mismatch", RICH("\x02\x02\x41\x01\x0b\x1a\x1a\x0b"));
    /* Parameters come from outside the block only. */
    INVALID("type mismatch", RICH("\x02\x03\x6a\x0b\x1a\x0b"));
    /* Unreachable code: anything goes, but types still have to fit. */
    ASSERT_OK(load(RICH("\x00\x1b\x1a\x0b")));
    ASSERT_OK(load(RICH("\x00\xd1\x1a\x0b")));
    ASSERT_OK(load(RICH("\x41\x00\x0f\x0b")));
    INVALID("type mismatch", RICH("\x00\xd1\xd1\x0b"));
}

TEST(tables_and_references)
{
    ASSERT_OK(load(RICH("\x41\x00\x25\x00\x1a\x0b")));
    ASSERT_OK(load(RICH("\xfc\x10\x01\x1a\x0b")));
    ASSERT_OK(load(RICH("\xd0\x6f\x41\x01\xfc\x0f\x01\x1a\x0b")));
    ASSERT_OK(load(RICH("\x41\x00\xd0\x6f\x41\x01\xfc\x11\x01\x0b")));
    ASSERT_OK(load(RICH("\x41\x00\x41\x00\x41\x00\xfc\x0c\x01\x01\x0b")));
    ASSERT_OK(load(RICH("\xfc\x0d\x00\x0b")));
    ASSERT_OK(load(RICH("\x41\x00\x41\x00\x41\x00\xfc\x0e\x00\x00\x0b")));
    ASSERT_OK(load(RICH("\xd0\x70\xd1\x1a\x0b")));
    ASSERT_OK(load(RICH("\xd2\x00\x1a\x0b")));
    ASSERT_OK(load(RICH("\xd0\x6f\xd0\x6f\x41\x00\x1c\x01\x6f\x1a\x0b")));
    INVALID("type mismatch",
            RICH("\x41\x00\x41\x00\x41\x00\xfc\x0c\x01\x00\x0b"));
    INVALID("type mismatch",
            RICH("\x41\x00\x41\x00\x41\x00\xfc\x0e\x00\x01\x0b"));
    INVALID("unknown elem segment 2", RICH("\xfc\x0d\x02\x0b"));
    INVALID("type mismatch", RICH("\x41\x00\x11\x00\x01\x0b"));
    INVALID("unknown table 2", RICH("\x41\x00\x25\x02\x1a\x0b"));
    INVALID("type mismatch", RICH("\x41\x00\xd1\x1a\x0b"));
    INVALID("type mismatch", RICH("\xd0\x70\x41\x00\x26\x01\x0b"));
    /* Reference operands need the typed select. */
    INVALID("type mismatch", RICH("\xd0\x6f\xd0\x6f\x41\x00\x1b\x1a\x0b"));
}

TEST(bulk_memory)
{
    ASSERT_OK(load(RICH("\x41\x00\x41\x00\x41\x00\xfc\x08\x00\x00\x0b")));
    ASSERT_OK(load(RICH("\xfc\x09\x00\x0b")));
    ASSERT_OK(load(RICH("\x41\x00\x41\x00\x41\x00\xfc\x0a\x00\x00\x0b")));
    ASSERT_OK(load(RICH("\x41\x00\x41\x00\x41\x00\xfc\x0b\x00\x0b")));
    INVALID("unknown data segment 1", RICH("\xfc\x09\x01\x0b"));
    INVALID("type mismatch", RICH("\x41\x00\x41\x00\xfc\x0b\x00\x0b"));
    MALFORMED("zero byte expected",
              RICH("\x41\x00\x41\x00\x41\x00\xfc\x0a\x00\x01\x0b"));
    MALFORMED("illegal opcode", RICH("\xfc\x12\x0b"));
    /* Saturating truncations. */
    ASSERT_OK(load(RICH("\x43\x00\x00\x00\x00\xfc\x00\x1a\x0b")));
    ASSERT_OK(load(RICH("\x44\x00\x00\x00\x00\x00\x00\x00\x00\xfc\x07\x1a"
                        "\x0b")));
    INVALID("type mismatch", RICH("\x41\x00\xfc\x00\x1a\x0b"));
}

TEST(global_immutable)
{
    INVALID("global is immutable",
            MOD(T_VOID F_ONE "\x06\x06\x01\x7f\x00\x41\x00\x0b"
                             "\x0a\x08\x01\x06\x00\x41\x00\x24\x00\x0b"));
    ASSERT_OK(load(MOD(T_VOID F_ONE "\x06\x06\x01\x7f\x01\x41\x00\x0b"
                                    "\x0a\x08\x01\x06\x00\x41\x00\x24\x00"
                                    "\x0b")));
}

TEST(malformed_wins_over_invalid)
{
    /* An invalid first body, then a malformed second one. */
    MALFORMED("illegal opcode",
              MOD(T_VOID "\x03\x03\x02\x00\x00"
                         "\x0a\x09\x02\x03\x00\x6a\x0b\x03\x00\x06\x0b"));
    /* An invalid start index, then a malformed data section. */
    MALFORMED("malformed data segment kind",
              MOD("\x08\x01\x05\x0b\x03\x01\x03\x00"));
}

TEST(sweep_module_loads)
{
    ASSERT_OK(load(ig_sample_module, sizeof ig_sample_module - 1));
}

/* 1 when the first n bytes of ig_sample_module end at a section boundary (all
 * its section sizes fit one LEB128 byte). */
static int at_boundary(size_t n)
{
    size_t pos = 8;

    while (pos < n)
        pos += 2 + ig_sample_module[pos + 1];
    return pos == n;
}

TEST(truncation_never_crashes)
{
    size_t n;

    for (n = 0; n < sizeof ig_sample_module - 1; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        int rc;

        ASSERT_TRUE(copy != NULL);
        memcpy(copy, ig_sample_module, n);
        rc = load(copy, n);
        free(copy);
        if (rc == 0 && at_boundary(n))
            continue;
        if (rc != IG_EWASM_MALFORMED && rc != IG_EWASM_INVALID)
            IG_TEST_FAIL("prefix of %zu bytes: rc %d (%s)", n, rc, err);
    }
}

TEST(mutation_never_crashes)
{
    uint8_t buf[sizeof ig_sample_module];
    uint32_t seed = 12345, i, k;
    int ok = 0;

    for (i = 0; i < 20000; i++) {
        int rc;

        memcpy(buf, ig_sample_module, sizeof buf);
        for (k = 0; k < 1 + i % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            buf[8 + (seed >> 8) % (sizeof ig_sample_module - 9)] =
              (uint8_t)(seed >> 20);
        }
        rc = load(buf, sizeof ig_sample_module - 1);
        if (rc == 0)
            ok++;
        else if (rc != IG_EWASM_MALFORMED && rc != IG_EWASM_INVALID &&
                 rc != IG_EWASM_LIMIT)
            IG_TEST_FAIL("mutation %u: rc %d (%s)", i, rc, err);
    }
    /* Some mutations (in constants, names) keep the module valid. */
    ASSERT_TRUE(ok > 0);
}

TEST(huge_counts_fail_fast)
{
    /* The first bad item still gets its own message. */
    MALFORMED("malformed import kind",
              MOD("\x02\x0a\xff\xff\xff\xff\x0f\x01m\x01x\x04"));
    /* Counts far beyond the input must be refused before allocation. */
    MALFORMED("unexpected end", MOD("\x01\x05\xff\xff\xff\xff\x0f"));
    MALFORMED("unexpected end", MOD("\x02\x05\xff\xff\xff\xff\x0f"));
    MALFORMED("unexpected end", MOD(T_VOID "\x03\x05\xff\xff\xff\xff\x0f"));
    MALFORMED("unexpected end",
              MOD(T_VOID F_ONE "\x0a\x08\x01\x06\xff\xff\xff\xff\x0f\x0b"));
    MALFORMED("unexpected end", BODY("\x00\x0e\xff\xff\xff\xff\x0f\x00\x0b"));
}
