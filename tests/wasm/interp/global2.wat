;; A second instance that shares the mutable global.
(module
  (import "env" "g" (global $g (mut i32)))
  (func (export "get") (result i32) (global.get $g)))
