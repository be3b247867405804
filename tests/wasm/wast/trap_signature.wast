;; call_indirect checks the callee's type structurally at run time: a
;; different parameter or result list traps, an identical type declared
;; twice does not, and neither does a matching function from another
;; module.

(module $lib
  (func (export "i64->i64") (param i64) (result i64) (local.get 0))
  (func (export "f32") (param f32))
)
(register "lib" $lib)

(module
  (type $i32->i32 (func (param i32) (result i32)))
  (type $i32->i32-again (func (param i32) (result i32)))
  (type $v->i32 (func (result i32)))
  (type $i64->i64 (func (param i64) (result i64)))
  (type $f64 (func (param f64)))
  (import "lib" "i64->i64" (func $imp (type $i64->i64)))
  (import "lib" "f32" (func $f32 (param f32)))
  (table 5 funcref)
  (elem (i32.const 0) func $inc $const $imp $f32)
  (func $inc (type $i32->i32) (i32.add (local.get 0) (i32.const 1)))
  (func $const (type $v->i32) (i32.const 7))
  (func (export "as-i32->i32") (param i32 i32) (result i32)
    (call_indirect (type $i32->i32) (local.get 1) (local.get 0)))
  (func (export "as-again") (param i32 i32) (result i32)
    (call_indirect (type $i32->i32-again) (local.get 1) (local.get 0)))
  (func (export "as-v->i32") (param i32) (result i32)
    (call_indirect (type $v->i32) (local.get 0)))
  (func (export "as-i64->i64") (param i32) (result i64)
    (call_indirect (type $i64->i64) (i64.const 9) (local.get 0)))
  (func (export "as-f64") (param i32)
    (call_indirect (type $f64) (f64.const 1) (local.get 0)))
)

(assert_return (invoke "as-i32->i32" (i32.const 0) (i32.const 4))
  (i32.const 5))
(assert_return (invoke "as-again" (i32.const 0) (i32.const 4)) (i32.const 5))
(assert_trap (invoke "as-i32->i32" (i32.const 1) (i32.const 4))
  "indirect call type mismatch")
(assert_trap (invoke "as-i32->i32" (i32.const 2) (i32.const 4))
  "indirect call type mismatch")
(assert_return (invoke "as-v->i32" (i32.const 1)) (i32.const 7))
(assert_trap (invoke "as-v->i32" (i32.const 0)) "indirect call type mismatch")
(assert_return (invoke "as-i64->i64" (i32.const 2)) (i64.const 9))
(assert_trap (invoke "as-i64->i64" (i32.const 0))
  "indirect call type mismatch")
(assert_trap (invoke "as-f64" (i32.const 3)) "indirect call type mismatch")
(assert_trap (invoke "as-f64" (i32.const 4)) "uninitialized element")
