;; An import whose name holds a newline and a NUL: messages must not
;; carry them through.
(module (import "igor" "rand\0a\00_bytes" (func (param i32 i32) (result i32))))
