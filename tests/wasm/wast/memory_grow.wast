;; memory.grow returns the old size in pages or -1, never goes past the
;; declared maximum or 65536 pages, keeps the contents, and new pages read
;; as zero. memory.size follows.

(module
  (memory 1 4)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i32 i32)
    (i32.store (local.get 0) (local.get 1)))
)

(assert_return (invoke "store" (i32.const 65532) (i32.const 0x11223344)))
(assert_return (invoke "size") (i32.const 1))
(assert_trap (invoke "load" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "grow" (i32.const 0)) (i32.const 1))
(assert_return (invoke "grow" (i32.const 1)) (i32.const 1))
(assert_return (invoke "size") (i32.const 2))
(assert_return (invoke "load" (i32.const 65532)) (i32.const 0x11223344))
(assert_return (invoke "load" (i32.const 65536)) (i32.const 0))
(assert_return (invoke "load" (i32.const 131068)) (i32.const 0))
(assert_trap (invoke "load" (i32.const 131069)) "out of bounds memory access")
(assert_return (invoke "grow" (i32.const 3)) (i32.const -1))
(assert_return (invoke "size") (i32.const 2))
(assert_return (invoke "grow" (i32.const 2)) (i32.const 2))
(assert_return (invoke "size") (i32.const 4))
(assert_return (invoke "grow" (i32.const 1)) (i32.const -1))
(assert_return (invoke "grow" (i32.const -1)) (i32.const -1))
(assert_return (invoke "grow" (i32.const 0)) (i32.const 4))

;; No maximum: the limit is 65536 pages, and a huge request fails cleanly.
(module
  (memory 0)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "store8") (param i32) (i32.store8 (local.get 0) (i32.const 9)))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
)
(assert_return (invoke "size") (i32.const 0))
(assert_trap (invoke "store8" (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "grow" (i32.const 65537)) (i32.const -1))
(assert_return (invoke "grow" (i32.const 0x80000000)) (i32.const -1))
(assert_return (invoke "grow" (i32.const -1)) (i32.const -1))
(assert_return (invoke "size") (i32.const 0))
(assert_return (invoke "grow" (i32.const 1)) (i32.const 0))
(assert_return (invoke "store8" (i32.const 65535)))
(assert_return (invoke "load8" (i32.const 65535)) (i32.const 9))
(assert_return (invoke "size") (i32.const 1))

;; Growth inside a loop, with a value computed from memory.size.
(module
  (memory 1 8)
  (func (export "grow-to") (param i32) (result i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (memory.size) (local.get 0)))
        (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $l)))
    (memory.size))
)
(assert_return (invoke "grow-to" (i32.const 5)) (i32.const 5))
(assert_return (invoke "grow-to" (i32.const 100)) (i32.const 8))

;; Limits are validated: max below min, and over 65536 pages.
(assert_invalid (module (memory 2 1))
  "size minimum must not be greater than maximum")
(assert_invalid (module (memory 65537))
  "memory size must be at most 65536 pages (4GiB)")
(assert_invalid (module (memory 0 65537))
  "memory size must be at most 65536 pages (4GiB)")
