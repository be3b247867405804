/* SPDX-License-Identifier: MIT */
/* The project's one table of error codes: 0 is success, -errno is a system
 * error, and each layer owns a range below -4096 so a caller can tell a
 * guest fault from a host, file or peer fault. */
#ifndef IG_UTIL_ERR_H
#define IG_UTIL_ERR_H

#include <stddef.h>

/*
 * X(NAME, value, "message"). Codes are never renumbered; a retired code
 * stays in the table as IG_EOBSOLETE<n>. Each layer appends only inside
 * its own range.
 */
#define IG_ERR_MAP(X)                                                        \
    /* -5000: generic, shared by every layer */                              \
    X(IG_ETOOBIG, -5001, "length over its limit")                            \
    X(IG_ETRUNC, -5002, "input truncated")                                   \
    X(IG_EFORMAT, -5003, "malformed input")                                  \
    X(IG_EUNSUPPORTED, -5004, "unsupported version or feature")              \
    X(IG_ENOTFOUND, -5005, "not found")                                      \
    X(IG_EEXISTS, -5006, "already exists")                                   \
    X(IG_ESTATE, -5007, "operation not valid in this state")                 \
    X(IG_ETIMEOUT, -5008, "timed out")                                       \
    X(IG_EUSAGE, -5009, "bad command-line usage")                            \
    X(IG_ECRYPTO, -5010, "cryptographic operation failed")                   \
    /* -6000: WebAssembly module loading and linking */                      \
    X(IG_EWASM_MALFORMED, -6001, "malformed wasm binary")                    \
    X(IG_EWASM_INVALID, -6002, "invalid wasm module")                        \
    X(IG_EWASM_UNLINKABLE, -6003, "wasm import cannot be linked")            \
    X(IG_EWASM_LIMIT, -6004, "wasm module exceeds an engine limit")          \
    X(IG_EWASM_NOEXPORT, -6005, "wasm export not found")                     \
    X(IG_EWASM_TYPE, -6006, "wasm value or signature type mismatch")         \
    /* -7000: traps raised while running guest code */                       \
    X(IG_ETRAP_UNREACHABLE, -7001, "trap: unreachable executed")             \
    X(IG_ETRAP_MEM_OOB, -7002, "trap: out of bounds memory access")          \
    X(IG_ETRAP_TABLE_OOB, -7003, "trap: out of bounds table access")         \
    X(IG_ETRAP_NULL_FUNC, -7004, "trap: uninitialized table element")        \
    X(IG_ETRAP_SIG, -7005, "trap: indirect call type mismatch")              \
    X(IG_ETRAP_DIV_ZERO, -7006, "trap: integer divide by zero")              \
    X(IG_ETRAP_INT_OVERFLOW, -7007, "trap: integer overflow")                \
    X(IG_ETRAP_CONVERSION, -7008, "trap: invalid conversion to integer")     \
    X(IG_ETRAP_STACK, -7009, "trap: call stack exhausted")                   \
    X(IG_ETRAP_FUEL, -7010, "trap: fuel exhausted")                          \
    X(IG_ETRAP_DEADLINE, -7011, "trap: deadline passed")                     \
    X(IG_ETRAP_INTERRUPT, -7012, "trap: interrupted by host")                \
    X(IG_ETRAP_HOST, -7013, "trap: host function failed")                    \
    X(IG_ETRAP_EXIT, -7014, "guest called proc_exit")                        \
    X(IG_ETRAP_NULL_REF, -7015, "trap: null reference")                      \
    X(IG_ETRAP_DATA_OOB, -7016, "trap: out of bounds segment access")        \
    /* -8000: checkpoints, identity and storage */                           \
    X(IG_ECKPT_VERSION, -8001, "unsupported checkpoint version")             \
    X(IG_ECKPT_SHORT, -8002, "checkpoint too short")                         \
    X(IG_ECKPT_NEGATIVE, -8003, "checkpoint holds a negative amount")        \
    X(IG_ECKPT_SIGNATURE, -8004, "checkpoint signature invalid")             \
    X(IG_ECKPT_WASM_HASH, -8005, "checkpoint made by a different wasm")      \
    X(IG_EIDENTITY, -8006, "identity file malformed")                        \
    X(IG_EAGENT_ID, -8007, "invalid agent ID")                               \
    X(IG_ECHAIN, -8008, "checkpoint lineage broken")                         \
    X(IG_EKEY_MISMATCH, -8009, "key does not match checkpoint identity")     \
    X(IG_ECKPT_UNSIGNED, -8010, "checkpoint is unsigned (v2/v3)")            \
    /* -9000: capability membrane, event log and replay */                   \
    X(IG_EMANIFEST, -9001, "invalid manifest")                               \
    X(IG_ECAP_DENIED, -9002, "import not granted by the manifest")           \
    X(IG_ECAP_UNKNOWN, -9003, "unknown capability")                          \
    X(IG_EREPLAY_DIVERGED, -9004, "replay diverged from the event log")      \
    X(IG_EREPLAY_EXHAUSTED, -9005, "replay ran past the event log")          \
    X(IG_EREPLAY_LEFTOVER, -9006, "replay left event log entries unused")    \
    X(IG_EEVENTLOG_FULL, -9007, "tick event log over its size limit")       \
    /* -9500: agent runtime */                                               \
    X(IG_EBUDGET, -9501, "budget exhausted")                                 \
    X(IG_EABI, -9502, "agent does not follow the igord ABI")                 \
    X(IG_EAGENT_MEMORY, -9503, "agent asks for more memory than allowed")    \
    X(IG_EAGENT_MALLOC, -9504, "agent malloc returned no memory")            \
    X(IG_ETICK_MAX, -9505, "tick number at its maximum")                     \
    /* -10000: network protocols */                                          \
    X(IG_EMULTIADDR, -10001, "malformed multiaddr")                          \
    X(IG_EMULTISTREAM, -10002, "multistream-select protocol error")          \
    X(IG_ENA, -10003, "protocol not available on the peer")                  \
    X(IG_ENOISE, -10004, "noise handshake failed")                           \
    X(IG_EDECRYPT, -10005, "noise message failed to decrypt")                \
    X(IG_EPEERID, -10006, "peer ID does not match the expected one")         \
    X(IG_EYAMUX, -10007, "yamux protocol error")                             \
    X(IG_EWINDOW, -10008, "peer overran its flow-control window")            \
    X(IG_ECLOSED, -10009, "connection or stream closed")                     \
    X(IG_ERESET, -10010, "stream reset by peer")                             \
    X(IG_ELIMIT, -10011, "connection or stream limit reached")               \
    X(IG_EPROTOBUF, -10012, "malformed protobuf message")                    \
    X(IG_EGOAWAY, -10013, "peer is going away")                              \
    X(IG_EEVICTED, -10014, "evicted to make room for a new connection")     \
    X(IG_EBUFFERED, -10015, "unread input over its memory cap")

enum ig_err {
    IG_OK = 0,
#define IG_ERR_ENUM(name, value, msg) name = (value),
    IG_ERR_MAP(IG_ERR_ENUM)
#undef IG_ERR_ENUM
};

/* A static, human-readable message for code (0, -errno or IG_E*). */
const char *ig_strerror(int code);

/*
 * True when reason (non-empty) already says what ig_strerror(status)
 * says, as a reason built from strerror() does, so that a line joining
 * the two would repeat itself: print the reason alone then.
 */
int ig_err_said(int status, const char *reason);

/* The symbolic name of code ("IG_ETRUNC", "ENOENT"), or "UNKNOWN". */
const char *ig_err_name(int code);

/* True when code is a guest trap (the -7000 range). */
int ig_err_is_trap(int code);

/*
 * Optional detail for a failure: functions that parse or negotiate take
 * char *err, size_t errlen (err may be NULL) and write one line there.
 */
void ig_err_set(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
