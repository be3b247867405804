;; Bulk memory: memory.fill, memory.copy with overlap in both directions,
;; passive data with memory.init and data.drop, and zero-length edges.

(module
  (memory 1)
  (data $hello "hello")
  (data (i32.const 100) "\00\01\02\03\04\05\06\07")
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load32") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "fill") (param i32 i32 i32)
    (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32)
    (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i32 i32 i32)
    (memory.init $hello (local.get 0) (local.get 1) (local.get 2)))
  (func (export "drop") (data.drop $hello))
)

;; fill stores the low byte of the value.
(assert_return (invoke "fill" (i32.const 10) (i32.const 0x1ab) (i32.const 3)))
(assert_return (invoke "load32" (i32.const 9)) (i32.const 0xababab00))
(assert_return (invoke "load32" (i32.const 10)) (i32.const 0x00ababab))
(assert_return (invoke "fill" (i32.const 65535) (i32.const 7) (i32.const 1)))
(assert_return (invoke "load8" (i32.const 65535)) (i32.const 7))

;; Overlapping copy forward and backward behaves like memmove.
(assert_return (invoke "copy" (i32.const 102) (i32.const 100) (i32.const 6)))
(assert_return (invoke "load32" (i32.const 100)) (i32.const 0x01000100))
(assert_return (invoke "load32" (i32.const 104)) (i32.const 0x05040302))
(assert_return (invoke "copy" (i32.const 100) (i32.const 103) (i32.const 5)))
(assert_return (invoke "load32" (i32.const 100)) (i32.const 0x04030201))
(assert_return (invoke "load8" (i32.const 104)) (i32.const 5))
(assert_return (invoke "copy" (i32.const 65534) (i32.const 100) (i32.const 2)))
(assert_return (invoke "load8" (i32.const 65535)) (i32.const 2))
(assert_return (invoke "copy" (i32.const 65536) (i32.const 0) (i32.const 0)))

;; memory.init copies from the passive segment, with bounds on both.
(assert_return (invoke "init" (i32.const 200) (i32.const 1) (i32.const 4)))
(assert_return (invoke "load32" (i32.const 200)) (i32.const 0x6f6c6c65))
(assert_trap (invoke "init" (i32.const 200) (i32.const 2) (i32.const 4))
  "out of bounds memory access")
(assert_trap (invoke "init" (i32.const 65534) (i32.const 0) (i32.const 3))
  "out of bounds memory access")
(assert_return (invoke "init" (i32.const 0) (i32.const 5) (i32.const 0)))
(assert_trap (invoke "init" (i32.const 0) (i32.const 6) (i32.const 0))
  "out of bounds memory access")
;; A dropped segment is empty: only zero-length init at offset 0 is fine.
(assert_return (invoke "drop"))
(assert_return (invoke "drop"))
(assert_return (invoke "init" (i32.const 0) (i32.const 0) (i32.const 0)))
(assert_trap (invoke "init" (i32.const 0) (i32.const 0) (i32.const 1))
  "out of bounds memory access")
(assert_trap (invoke "init" (i32.const 0) (i32.const 1) (i32.const 0))
  "out of bounds memory access")

;; Active segments are dropped after instantiation.
(module
  (memory 1)
  (data (i32.const 0) "xyz")
  (func (export "init-active")
    (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 1)))
  (func (export "init-empty")
    (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 0)))
)
(assert_trap (invoke "init-active") "out of bounds memory access")
(assert_return (invoke "init-empty"))

;; memory.init and data.drop need a data count section.
(assert_invalid
  (module (memory 1)
    (func (memory.init 1 (i32.const 0) (i32.const 0) (i32.const 0))))
  "unknown data segment")
