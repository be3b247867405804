;; Hand-made binaries the decoder must refuse as malformed, each next to a
;; well-formed twin so the test cannot pass by refusing everything.

;; Well formed: the bare header, and custom sections anywhere.
(module binary "\00asm\01\00\00\00")
(module binary "\00asm\01\00\00\00" "\00\04\03abc")
(module binary
  "\00asm\01\00\00\00"
  "\00\01\00"                          ;; custom section, empty name
  "\01\04\01\60\00\00"                 ;; type section: () -> ()
  "\00\02\01x"                         ;; custom section between sections
  "\03\02\01\00"                       ;; function section
  "\0a\04\01\02\00\0b"                 ;; code section
)

;; Header.
(assert_malformed (module binary "") "unexpected end")
(assert_malformed (module binary "\00asm") "unexpected end")
(assert_malformed (module binary "\00asm\01\00\00") "unexpected end")
(assert_malformed (module binary "\00ASM\01\00\00\00")
  "magic header not detected")
(assert_malformed (module binary "asm\00\01\00\00\00")
  "magic header not detected")
(assert_malformed (module binary "\00asm\02\00\00\00")
  "unknown binary version")
(assert_malformed (module binary "\00asm\00\00\00\01")
  "unknown binary version")

;; Sections: unknown id, size past the end, size not matching content.
(assert_malformed (module binary "\00asm\01\00\00\00" "\0e\00")
  "malformed section id")
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\05\01\60\00")
  "unexpected end")
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\05\01\60\00\00\00")
  "section size mismatch")
(assert_malformed (module binary "\00asm\01\00\00\00" "\00\05\09abc")
  "unexpected end")
;; Sections out of order or repeated.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\03\01\00" "\01\01\00")
  "unexpected content after last section")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\01\00" "\01\01\00")
  "unexpected content after last section")

;; LEB128: too many bytes, or unused bits set in the last byte.
(module binary "\00asm\01\00\00\00" "\01\08\81\80\80\80\00\60\00\00")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\09\81\80\80\80\80\00\60\00\00")
  "integer representation too long")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\08\81\80\80\80\10\60\00\00")
  "integer too large")
;; A signed LEB128 i32.const whose last byte is not a sign extension.
(module binary
  "\00asm\01\00\00\00" "\01\05\01\60\00\01\7f" "\03\02\01\00"
  "\0a\0a\01\08\00\41\ff\ff\ff\ff\07\0b")
(assert_malformed
  (module binary
    "\00asm\01\00\00\00" "\01\05\01\60\00\01\7f" "\03\02\01\00"
    "\0a\0a\01\08\00\41\ff\ff\ff\ff\4f\0b")
  "integer too large")

;; Type section: the form byte must be 0x60; value types must be known.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\61\00\00")
  "malformed functype")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\05\01\60\01\01\00")
  "malformed value type")

;; Function and code sections must agree in count.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00")
  "function and code section have inconsistent lengths")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00"
    "\0a\04\01\02\00\0b")
  "function and code section have inconsistent lengths")
;; A body must end with the end opcode and fill its declared size: bytes
;; after the final end are malformed even when they decode as opcodes.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\04\01\02\00\01")
  "unexpected end")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\05\01\03\00\0b\0b")
  "section size mismatch")
;; More locals than fit in 32 bits.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\0f\01\0d\02\ff\ff\ff\ff\0f\7f\ff\ff\ff\ff\0f\7e\0b")
  "too many locals")
;; An opcode that does not exist.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\05\01\03\00\ff\0b")
  "illegal opcode")
;; memory.size carries a reserved zero byte.
(module binary "\00asm\01\00\00\00" "\01\05\01\60\00\01\7f" "\03\02\01\00"
  "\05\03\01\00\01" "\0a\06\01\04\00\3f\00\0b")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\05\01\60\00\01\7f" "\03\02\01\00"
    "\05\03\01\00\01" "\0a\06\01\04\00\3f\01\0b")
  "zero byte expected")

;; Imports and exports: kind bytes, mutability, names in UTF-8.
(assert_unlinkable
  (module binary "\00asm\01\00\00\00" "\02\08\01\01m\01g\03\7f\00")
  "unknown import")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\02\08\01\01m\01g\04\7f\00")
  "malformed import kind")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\02\08\01\01m\01g\03\7f\02")
  "malformed mutability")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\02\08\01\01\ff\01g\03\7f\00")
  "malformed UTF-8 encoding")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\02\09\01\02\c3\28\01g\03\7f\00")
  "malformed UTF-8 encoding")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\07\05\01\01e\05\00")
  "malformed export kind")

;; Limits flags other than 0 and 1.
(module binary "\00asm\01\00\00\00" "\05\04\01\01\00\01")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\05\04\01\04\00\01")
  "integer too large")

;; Data count section disagreeing with the data section.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\05\03\01\00\01" "\0c\01\02"
    "\0b\07\01\00\41\00\0b\01x")
  "data count and data section have inconsistent lengths")
