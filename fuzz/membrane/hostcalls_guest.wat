;; The fuzzer's guest: one export per hostcall, each taking four raw i32
;; arguments and passing on the ones the hostcall wants, so the fuzzer can
;; reach every host function with any pointer and length.
(module
  (import "igor" "clock_now" (func $clock (result i64)))
  (import "igor" "rand_bytes" (func $rand (param i32 i32) (result i32)))
  (import "igor" "log_emit" (func $log (param i32 i32)))
  (import "igor" "wallet_balance" (func $balance (result i64)))
  (import "igor" "wallet_receipt_count" (func $count (result i32)))
  (import "igor" "wallet_receipt" (func $receipt (param i32 i32 i32) (result i32)))
  (import "igor" "node_price" (func $price (result i64)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get"
    (func $fdstat (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek"
    (func $seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get"
    (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get"
    (func $args_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get"
    (func $env_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get"
    (func $clock_time (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get"
    (func $random (param i32 i32) (result i32)))
  (memory (export "memory") 1 2)
  (func (export "c0") (param i32 i32 i32 i32) (result i64) (call $clock))
  (func (export "c1") (param i32 i32 i32 i32) (result i64)
    (i64.extend_i32_s (call $rand (local.get 0) (local.get 1))))
  (func (export "c2") (param i32 i32 i32 i32) (result i64)
    (call $log (local.get 0) (local.get 1)) (i64.const 0))
  (func (export "c3") (param i32 i32 i32 i32) (result i64) (call $balance))
  (func (export "c4") (param i32 i32 i32 i32) (result i64)
    (i64.extend_i32_s (call $count)))
  (func (export "c5") (param i32 i32 i32 i32) (result i64)
    (i64.extend_i32_s
      (call $receipt (local.get 0) (local.get 1) (local.get 2))))
  (func (export "c6") (param i32 i32 i32 i32) (result i64) (call $price))
  (func (export "c7") (param i32 i32 i32 i32) (result i64)
    (i64.extend_i32_u (call $fd_write (local.get 0) (local.get 1)
                                      (local.get 2) (local.get 3))))
  (func (export "c8") (param i32 i32 i32 i32) (result i64)
    (i64.extend_i32_u (call $fdstat (local.get 0) (local.get 1))))
  (func (export "c9") (param i32 i32 i32 i32) (result i64)
    (i64.extend_i32_u (call $seek (local.get 0) (i64.extend_i32_u (local.get 1))
                                  (local.get 2) (local.get 3))))
  (func (export "c10") (param i32 i32 i32 i32) (result i64)
    (i64.extend_i32_u (call $args_get (local.get 0) (local.get 1))))
  (func (export "c11") (param i32 i32 i32 i32) (result i64)
    (i64.extend_i32_u (call $args_sizes (local.get 0) (local.get 1))))
  (func (export "c12") (param i32 i32 i32 i32) (result i64)
    (i64.extend_i32_u (call $env_sizes (local.get 0) (local.get 1))))
  (func (export "c13") (param i32 i32 i32 i32) (result i64)
    (i64.extend_i32_u (call $clock_time (local.get 0)
                                        (i64.extend_i32_u (local.get 1))
                                        (local.get 2))))
  (func (export "c14") (param i32 i32 i32 i32) (result i64)
    (i64.extend_i32_u (call $random (local.get 0) (local.get 1))))
  (func (export "grow") (param i32 i32 i32 i32) (result i64)
    (i64.extend_i32_s (memory.grow (i32.const 1)))))
