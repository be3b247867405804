;; Unbounded recursion exhausts the call stack and traps instead of
;; crashing the host; the instance stays usable afterwards. Frames with
;; many locals and deep operand stacks exhaust it too.

(module
  (global $depth (mut i32) (i32.const 0))
  (func $runaway (call $runaway))
  (func (export "runaway") (call $runaway))
  (func $ping (param i32) (result i32)
    (call $pong (i32.add (local.get 0) (i32.const 1))))
  (func $pong (param i32) (result i32)
    (call $ping (i32.add (local.get 0) (i32.const 1))))
  (func (export "mutual") (result i32) (call $ping (i32.const 0)))
  (func $fat (param i64 i64 i64 i64) (result i64)
    (local f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)
    (i64.add (local.get 0)
      (call $fat (local.get 1) (local.get 2) (local.get 3) (local.get 0))))
  (func (export "fat") (result i64)
    (call $fat (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4)))
  (type $t (func))
  (table 1 funcref)
  (elem (i32.const 0) $indirect)
  (func $indirect
    (global.set $depth (i32.add (global.get $depth) (i32.const 1)))
    (call_indirect (type $t) (i32.const 0)))
  (func (export "indirect") (call $indirect))
  (func $count (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1)
        (call $count (i32.sub (local.get 0) (i32.const 1)))))))
  (func (export "count") (param i32) (result i32) (call $count (local.get 0)))
  (func (export "depth") (result i32) (global.get $depth))
)

(assert_exhaustion (invoke "runaway") "call stack exhausted")
(assert_exhaustion (invoke "mutual") "call stack exhausted")
(assert_exhaustion (invoke "fat") "call stack exhausted")
(assert_exhaustion (invoke "indirect") "call stack exhausted")
;; Recursion well inside the limit still works after the traps.
(assert_return (invoke "count" (i32.const 1000)) (i32.const 1000))
(assert_exhaustion (invoke "runaway") "call stack exhausted")
(assert_return (invoke "count" (i32.const 10)) (i32.const 10))
