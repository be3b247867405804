;; A guest without linear memory calling hostcalls that take pointers: each
;; must answer with its out-of-bounds code, never touch a missing memory.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get"
    (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get"
    (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get"
    (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get"
    (func $fd_fdstat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get"
    (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get"
    (func $random_get (param i32 i32) (result i32)))
  (import "igor" "rand_bytes" (func $rand (param i32 i32) (result i32)))
  (import "igor" "log_emit" (func $log (param i32 i32)))
  (import "igor" "wallet_receipt"
    (func $receipt (param i32 i32 i32) (result i32)))
  (func (export "fd_write") (result i32)
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0)))
  (func (export "args_sizes_get") (result i32)
    (call $args_sizes_get (i32.const 0) (i32.const 4)))
  (func (export "args_get") (result i32)
    (call $args_get (i32.const 0) (i32.const 0)))
  (func (export "environ_sizes_get") (result i32)
    (call $environ_sizes_get (i32.const 0) (i32.const 4)))
  (func (export "fd_fdstat_get") (result i32)
    (call $fd_fdstat_get (i32.const 1) (i32.const 0)))
  (func (export "clock_time_get") (result i32)
    (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 0)))
  (func (export "random_get") (result i32)
    (call $random_get (i32.const 0) (i32.const 8)))
  (func (export "random_get_0") (result i32)
    (call $random_get (i32.const 0) (i32.const 0)))
  (func (export "rand") (result i32)
    (call $rand (i32.const 0) (i32.const 8)))
  (func (export "rand_0") (result i32)
    (call $rand (i32.const 0) (i32.const 0)))
  (func (export "log") (result i32)
    (call $log (i32.const 0) (i32.const 5))
    (i32.const 0))
  (func (export "receipt") (result i32)
    (call $receipt (i32.const 0) (i32.const 0) (i32.const 64))))
