;; Loops that call one hostcall n times, for the hostcall benchmark.
(module
  (import "igor" "clock_now" (func $clock (result i64)))
  (import "igor" "rand_bytes" (func $rand (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get"
    (func $clock_time (param i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "empty") (param $n i32)
    (loop $l
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (i32.gt_s (local.get $n) (i32.const 0)))))
  (func (export "clock") (param $n i32)
    (loop $l
      (drop (call $clock))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (i32.gt_s (local.get $n) (i32.const 0)))))
  (func (export "rand32") (param $n i32)
    (loop $l
      (drop (call $rand (i32.const 64) (i32.const 32)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (i32.gt_s (local.get $n) (i32.const 0)))))
  (func (export "wasi_clock") (param $n i32)
    (loop $l
      (drop (call $clock_time (i32.const 0) (i64.const 1) (i32.const 0)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (i32.gt_s (local.get $n) (i32.const 0))))))
