;; An agent with the whole ABI and a table of ten million funcrefs: 80 MB
;; of host memory outside the linear memory cap, unless the node caps it.
(module
  (memory (export "memory") 1)
  (table 10000000 funcref)
  (func (export "agent_init"))
  (func (export "agent_tick") (result i32) (i32.const 0))
  (func (export "agent_checkpoint") (result i32) (i32.const 0))
  (func (export "agent_checkpoint_ptr") (result i32) (i32.const 0))
  (func (export "agent_resume") (param i32 i32))
  (func (export "malloc") (param i32) (result i32) (i32.const 16)))
