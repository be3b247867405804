;; Grows memory by a given number of pages.
(module
  (memory (export "mem") 1)
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
)
