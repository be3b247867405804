;; Signed division of the most negative value by -1 overflows and traps
;; (the remainder of the same operands is 0 and does not trap).

(module
  (func (export "i32.div_s") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func (export "i64.div_s") (param i64 i64) (result i64)
    (i64.div_s (local.get 0) (local.get 1)))
  (func (export "i32.rem_s") (param i32 i32) (result i32)
    (i32.rem_s (local.get 0) (local.get 1)))
  (func (export "i64.rem_s") (param i64 i64) (result i64)
    (i64.rem_s (local.get 0) (local.get 1)))
  (func (export "i32.const-fold") (result i32)
    (i32.div_s (i32.const 0x80000000) (i32.const -1)))
)

(assert_trap (invoke "i32.div_s" (i32.const 0x80000000) (i32.const -1))
  "integer overflow")
(assert_trap (invoke "i64.div_s" (i64.const 0x8000000000000000) (i64.const -1))
  "integer overflow")
(assert_trap (invoke "i32.const-fold") "integer overflow")
(assert_return (invoke "i32.rem_s" (i32.const 0x80000000) (i32.const -1))
  (i32.const 0))
(assert_return
  (invoke "i64.rem_s" (i64.const 0x8000000000000000) (i64.const -1))
  (i64.const 0))
(assert_return (invoke "i32.div_s" (i32.const 0x80000001) (i32.const -1))
  (i32.const 0x7fffffff))
(assert_return (invoke "i64.div_s" (i64.const 0x8000000000000000) (i64.const 1))
  (i64.const 0x8000000000000000))
