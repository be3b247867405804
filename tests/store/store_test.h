/* SPDX-License-Identifier: MIT */
/* Helpers shared by the store tests: the worked v4 example, temporary
 * directories and whole-file reads. */
#ifndef IG_TESTS_STORE_TEST_H
#define IG_TESTS_STORE_TEST_H

#include <stddef.h>
#include <stdint.h>

#include "store/ckpt.h"
#include "store/identity.h"

#define FIXTURES IG_SOURCE_DIR "/tests/fixtures/reference"

/* Identity of seed 00 01 .. 1f. */
void st_seed_identity(struct ig_identity *id);

/* The worked v4 example: budget 1000000, price 1000, tick 5, golden wasm
 * hash, state u64 3; state_buf must hold 8 bytes and outlive c. */
void st_example_ckpt(struct ig_ckpt *c, uint8_t state_buf[8]);

/* A fresh temporary directory (mkdtemp; the path is malloc'd). Every
 * directory made this way is removed by st_done, or at exit when a test
 * fails. */
char *st_tmpdir(void);
void st_done(void);

/* Read a whole file (fails the test when missing). */
uint8_t *st_read(const char *path, size_t *len);

/* Write a file plainly. */
void st_write(const char *path, const void *data, size_t len);

#endif
