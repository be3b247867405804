/* SPDX-License-Identifier: MIT */
/* Shared by the wasm benchmarks: a monotonic clock, medians and reading
 * whole files. */
#ifndef IG_BENCH_WASM_BENCH_UTIL_H
#define IG_BENCH_WASM_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t bench_now_ns(void);

/* CPU time of the calling thread in nanoseconds: on a loaded machine it
 * leaves out the time spent waiting for a CPU. */
uint64_t bench_cpu_ns(void);

/* The median of v[0, n) (sorts v in place); 0 when n is 0. */
uint64_t bench_median(uint64_t *v, size_t n);

/* Read a whole file into a malloc'd buffer (caller frees). 0, -errno or
 * IG_ETOOBIG past 256 MiB. */
int bench_read_file(const char *path, uint8_t **out, size_t *len);

/* 1 when path names an existing regular file. */
int bench_file_exists(const char *path);

#endif
