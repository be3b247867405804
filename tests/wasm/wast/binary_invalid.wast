;; Well-formed binaries that fail validation: bad indices, type errors in
;; bodies, misplaced constants, limits, and module-level rules. Written as
;; raw bytes where the text format could not even express the mistake.

;; A body whose result is missing: () -> i32 with an empty body.
(assert_invalid
  (module binary "\00asm\01\00\00\00" "\01\05\01\60\00\01\7f" "\03\02\01\00"
    "\0a\04\01\02\00\0b")
  "type mismatch")
;; The same module with i32.const 0 in the body is valid.
(module binary "\00asm\01\00\00\00" "\01\05\01\60\00\01\7f" "\03\02\01\00"
  "\0a\06\01\04\00\41\00\0b")
;; A function naming a type that does not exist.
(assert_invalid
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\01"
    "\0a\04\01\02\00\0b")
  "unknown type")
;; local.get 0 in a function without locals.
(assert_invalid
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\07\01\05\00\20\00\1a\0b")
  "unknown local")
;; br 1 with only the function's own label.
(assert_invalid
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\06\01\04\00\0c\01\0b")
  "unknown label")
;; call of function 1 when only function 0 exists.
(assert_invalid
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\06\01\04\00\10\01\0b")
  "unknown function")
;; i32.load with alignment 2^3 > 4 bytes.
(assert_invalid
  (module binary "\00asm\01\00\00\00" "\01\05\01\60\00\01\7f" "\03\02\01\00"
    "\05\03\01\00\01" "\0a\09\01\07\00\41\00\28\03\00\0b")
  "alignment must not be larger than natural")
(module binary "\00asm\01\00\00\00" "\01\05\01\60\00\01\7f" "\03\02\01\00"
  "\05\03\01\00\01" "\0a\09\01\07\00\41\00\28\02\00\0b")
;; A load without any memory.
(assert_invalid
  (module binary "\00asm\01\00\00\00" "\01\05\01\60\00\01\7f" "\03\02\01\00"
    "\0a\09\01\07\00\41\00\28\02\00\0b")
  "unknown memory")
;; Two memories (Wasm 2.0 allows one).
(assert_invalid
  (module binary "\00asm\01\00\00\00" "\05\05\02\00\01\00\01")
  "multiple memories")
;; Two exports with one name.
(assert_invalid
  (module binary "\00asm\01\00\00\00" "\05\03\01\00\01"
    "\07\09\02\01m\02\00\01m\02\00")
  "duplicate export name")
;; A start function that takes a parameter.
(assert_invalid
  (module binary "\00asm\01\00\00\00" "\01\05\01\60\01\7f\00" "\03\02\01\00"
    "\08\01\00" "\0a\04\01\02\00\0b")
  "start function")
;; A global initialiser that is not a constant instruction.
(assert_invalid
  (module binary "\00asm\01\00\00\00"
    "\06\09\01\7f\00\41\01\41\01\6a\0b")
  "constant expression required")
(module binary "\00asm\01\00\00\00" "\06\06\01\7f\00\41\01\0b")
;; A global initialiser of the wrong type.
(assert_invalid
  (module binary "\00asm\01\00\00\00" "\06\06\01\7f\00\42\01\0b")
  "type mismatch")
;; Table limits with minimum over maximum.
(assert_invalid
  (module binary "\00asm\01\00\00\00" "\04\05\01\70\01\02\01")
  "size minimum must not be greater than maximum")
;; A data segment for a memory that does not exist.
(assert_invalid
  (module binary "\00asm\01\00\00\00" "\0b\07\01\00\41\00\0b\01x")
  "unknown memory")
;; An element segment for a table that does not exist.
(assert_invalid
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
    "\09\07\01\00\41\00\0b\01\00" "\0a\04\01\02\00\0b")
  "unknown table")

;; Type errors in text form, converted to binary by the build.
(assert_invalid
  (module (func (result i32) (i64.const 0)))
  "type mismatch")
(assert_invalid
  (module (func (i32.add (i32.const 1) (f32.const 2)) (drop)))
  "type mismatch")
(assert_invalid
  (module (func (param i32) (result i32)
    (block (result i32) (br_if 0 (local.get 0)))))
  "type mismatch")
(assert_invalid
  (module (func (if (i32.const 1) (then (i32.const 1)))))
  "type mismatch")
(assert_invalid
  (module (func (result i32)
    (if (result i32) (i32.const 1) (then (i32.const 1)))))
  "type mismatch")
(assert_invalid
  (module (func (br_table 0 1 (i32.const 0))))
  "unknown label")
(assert_invalid
  (module (func (block (result i32) (block (result i64)
    (br_table 0 1 (i64.const 0) (i32.const 0))))))
  "type mismatch")
(assert_invalid
  (module (func (select (i32.const 1) (i64.const 1) (i32.const 0)) (drop)))
  "type mismatch")
(assert_invalid
  (module (func (local.set 0 (i32.const 0))))
  "unknown local")
(assert_invalid
  (module (func (param f32) (local.set 0 (i32.const 0))))
  "type mismatch")
(assert_invalid
  (module (table 1 funcref) (func (table.set 0 (i32.const 0) (i32.const 1))))
  "type mismatch")
(assert_invalid
  (module (func (drop)))
  "type mismatch")
;; Unreachable code is typed against a polymorphic stack.
(module (func (result i32) (unreachable) (i32.add)))
(module (func (result i64) (return (i64.const 1)) (f32.const 0) (drop)))
(assert_invalid
  (module (func (result i32) (unreachable) (i64.const 0) (i32.add)))
  "type mismatch")
