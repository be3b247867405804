/* SPDX-License-Identifier: MIT */
/* Reading the files a command is given (wasm, checkpoints), with the
 * one-line "igord: " error every command prints for them. */
#ifndef IG_CLI_FILES_H
#define IG_CLI_FILES_H

#include <stddef.h>
#include <stdint.h>

/* Largest wasm module igord reads. */
#define IG_CLI_MAX_WASM (64u * 1024 * 1024)

/*
 * Read the whole file at path (at most max bytes) into a malloc'd
 * buffer owned by the caller. On failure prints "igord: <what> <path>:
 * <reason>" and returns the error (IG_ENOTFOUND, IG_ETOOBIG, -errno).
 */
int ig_cli_read_file(const char *what,
                     const char *path,
                     size_t max,
                     uint8_t **out,
                     size_t *len);

#endif
