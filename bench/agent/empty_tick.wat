;; The smallest module the agent ABI accepts: every export does nothing,
;; so a tick measures only what the host adds around agent_tick.
(module
  (memory (export "memory") 1)
  (func (export "agent_init"))
  (func (export "agent_tick"))
  (func (export "agent_checkpoint") (result i32) (i32.const 0))
  (func (export "agent_checkpoint_ptr") (result i32) (i32.const 0))
  (func (export "agent_resume") (param i32 i32)))
