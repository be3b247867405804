;; Linking by name: the spectest host module, registered modules sharing
;; functions, memories and tables, import type checks, and the writes an
;; instantiation that traps leaves behind in imported objects.

(module $host-user
  (import "spectest" "print_i32" (func $print_i32 (param i32)))
  (import "spectest" "print_f64_f64" (func (param f64 f64)))
  (import "spectest" "print" (func $print))
  (import "spectest" "global_i32" (global $gi i32))
  (import "spectest" "global_i64" (global $gl i64))
  (import "spectest" "global_f32" (global $gf f32))
  (import "spectest" "global_f64" (global $gd f64))
  (import "spectest" "table" (table 10 20 funcref))
  (import "spectest" "memory" (memory 1 2))
  (func (export "print") (param i32) (result i32)
    (call $print_i32 (local.get 0))
    (call $print)
    (local.get 0))
  (func (export "globals") (result i32 i64 f32 f64)
    (global.get $gi) (global.get $gl) (global.get $gf) (global.get $gd))
  (func (export "mem-size") (result i32) (memory.size))
  (func (export "table-size") (result i32) (table.size 0))
)
(assert_return (invoke "print" (i32.const 42)) (i32.const 42))
(assert_return (invoke "globals")
  (i32.const 666) (i64.const 666) (f32.const 666.6) (f64.const 666.6))
(assert_return (invoke "mem-size") (i32.const 1))
(assert_return (invoke "table-size") (i32.const 10))

;; Host imports are type-checked like any other.
(assert_unlinkable
  (module (import "spectest" "print_i32" (func (param i64))))
  "incompatible import type")
(assert_unlinkable
  (module (import "spectest" "memory" (memory 3)))
  "incompatible import type")
(assert_unlinkable
  (module (import "spectest" "table" (table 10 15 funcref)))
  "incompatible import type")
(assert_unlinkable
  (module (import "spectest" "global_i32" (global (mut i32))))
  "incompatible import type")
(assert_unlinkable
  (module (import "spectest" "nothing" (func)))
  "unknown import")
(assert_unlinkable
  (module (import "nowhere" "f" (func)))
  "unknown import")

(module $base
  (memory (export "mem") 1 3)
  (table (export "tab") 4 funcref)
  (func $seven (export "seven") (result i32) (i32.const 7))
  (elem (i32.const 0) $seven)
  (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "call") (param i32) (result i32)
    (call_indirect (result i32) (local.get 0)))
)
(register "base" $base)

(module $client
  (import "base" "seven" (func $seven (result i32)))
  (import "base" "mem" (memory 1))
  (import "base" "tab" (table 2 funcref))
  (func $eight (result i32) (i32.const 8))
  (elem (i32.const 1) $eight)
  (data (i32.const 10) "\2a")
  (func (export "seven-plus") (param i32) (result i32)
    (i32.add (call $seven) (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
)
;; The client's segments landed in the base's memory and table.
(assert_return (invoke $base "peek" (i32.const 10)) (i32.const 42))
(assert_return (invoke $base "call" (i32.const 1)) (i32.const 8))
(assert_return (invoke $client "seven-plus" (i32.const 1)) (i32.const 8))
;; Growing through one module is visible in the other; max 3 holds.
(assert_return (invoke $client "grow" (i32.const 2)) (i32.const 1))
(assert_return (invoke $client "grow" (i32.const 1)) (i32.const -1))
(assert_return (invoke $base "peek" (i32.const 196607)) (i32.const 0))

;; An import of a grown memory checks the current size against its min.
(module (import "base" "mem" (memory 3)))
(assert_unlinkable
  (module (import "base" "mem" (memory 1 2)))
  "incompatible import type")

;; Re-exports link to the same object, under a new registered name.
(module $again
  (import "base" "seven" (func $f (result i32)))
  (export "seven-again" (func $f))
)
(register "again" $again)
(module
  (import "again" "seven-again" (func $g (result i32)))
  (func (export "g") (result i32) (call $g))
)
(assert_return (invoke "g") (i32.const 7))

;; A module that traps while initialising keeps the writes made before the
;; trap: the first data segment lands, the second is out of bounds.
(assert_trap
  (module
    (import "base" "mem" (memory 1))
    (data (i32.const 20) "\63")
    (data (i32.const 0x40000) "!"))
  "out of bounds memory access")
(assert_return (invoke $base "peek" (i32.const 20)) (i32.const 99))
;; The same for table elements.
(assert_trap
  (module
    (import "base" "tab" (table 1 funcref))
    (func $nine (result i32) (i32.const 9))
    (elem (i32.const 2) $nine)
    (elem (i32.const 4) $nine))
  "out of bounds table access")
(assert_return (invoke $base "call" (i32.const 2)) (i32.const 9))
;; A start function that traps runs after all segments are written.
(assert_trap
  (module
    (import "base" "mem" (memory 1))
    (data (i32.const 30) "\05")
    (func $start (unreachable))
    (start $start))
  "unreachable")
(assert_return (invoke $base "peek" (i32.const 30)) (i32.const 5))
