;; Mutable globals exported and imported: importers share the one global
;; object, so a write by either module is seen by both; immutable imports
;; must stay immutable and types must match exactly.

(module $owner
  (global $counter (export "counter") (mut i32) (i32.const 5))
  (global $wide (export "wide") (mut i64) (i64.const -1))
  (global (export "fixed") f64 (f64.const 2.5))
  (global (export "ref") (mut externref) (ref.null extern))
  (func (export "bump") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.get $counter))
  (func (export "get-wide") (result i64) (global.get $wide))
)
(register "owner" $owner)

(module $user
  (import "owner" "counter" (global $c (mut i32)))
  (import "owner" "wide" (global $w (mut i64)))
  (import "owner" "fixed" (global $f f64))
  (import "owner" "ref" (global $r (mut externref)))
  (global $derived f64 (global.get $f))
  (func (export "set") (param i32) (global.set $c (local.get 0)))
  (func (export "get") (result i32) (global.get $c))
  (func (export "derived") (result f64) (global.get $derived))
  (func (export "set-wide") (param i64) (global.set $w (local.get 0)))
  (func (export "fixed") (result f64) (global.get $f))
  (func (export "set-ref") (param externref) (global.set $r (local.get 0)))
  (func (export "get-ref") (result externref) (global.get $r))
)

(assert_return (get $owner "counter") (i32.const 5))
(assert_return (invoke $user "derived") (f64.const 2.5))
(assert_return (invoke $owner "bump") (i32.const 6))
(assert_return (invoke $user "get") (i32.const 6))
(assert_return (invoke $user "set" (i32.const 100)))
(assert_return (invoke $owner "bump") (i32.const 101))
(assert_return (get $owner "counter") (i32.const 101))
(assert_return (invoke $user "set-wide" (i64.const 0x123456789)))
(assert_return (invoke $owner "get-wide") (i64.const 0x123456789))
(assert_return (get $owner "wide") (i64.const 0x123456789))
(assert_return (invoke $user "fixed") (f64.const 2.5))
(assert_return (get $owner "fixed") (f64.const 2.5))
(assert_return (invoke $user "set-ref" (ref.extern 8)))
(assert_return (get $owner "ref") (ref.extern 8))
(assert_return (invoke $user "get-ref") (ref.extern 8))

;; Mutability and type must match exactly.
(assert_unlinkable
  (module (import "owner" "counter" (global i32)))
  "incompatible import type")
(assert_unlinkable
  (module (import "owner" "fixed" (global (mut f64))))
  "incompatible import type")
(assert_unlinkable
  (module (import "owner" "counter" (global (mut i64))))
  "incompatible import type")
(assert_unlinkable
  (module (import "owner" "bump" (global i32)))
  "incompatible import type")
(assert_unlinkable
  (module (import "owner" "missing" (global i32)))
  "unknown import")

;; Initialisers may read immutable imports only.
(assert_invalid
  (module (import "owner" "counter" (global (mut i32)))
    (global i32 (global.get 0)))
  "constant expression required")

;; Writing an immutable global does not validate.
(assert_invalid
  (module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1))))
  "global is immutable")
(assert_invalid
  (module (import "owner" "fixed" (global f64))
    (func (global.set 0 (f64.const 1))))
  "global is immutable")
