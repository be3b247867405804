# Writes OUT: a .wat whose binary is about 150 KB of code (the size the
# load target is set for), made of many small functions that mix the
# usual instructions: locals, loads and stores, arithmetic, compares,
# blocks, loops, ifs, branches and calls. The shipped modules are far
# smaller in code (a 140 KB kernel is mostly debug sections), so they
# would understate the cost of validating 150 KB of real code.
set(n 446)
set(body "
    (local.set 2 (i32.add (local.get 2) (i32.load offset=8
      (i32.and (local.get 0) (i32.const 65520)))))
    (i64.store (i32.const 32) (i64.mul (i64.extend_i32_u (local.get 2))
      (i64.const 2654435761)))
    (if (i32.gt_u (local.get 2) (i32.const 100000))
      (then (local.set 2 (i32.shr_u (local.get 2) (i32.const 3))))
      (else (local.set 3 (i32.xor (local.get 3) (local.get 2)))))
    (block (loop
      (br_if 1 (i32.eqz (local.get 1)))
      (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
      (local.set 3 (i32.rotl (local.get 3) (i32.const 5)))
      (br 0)))")
set(wat "(module\n  (memory (export \"memory\") 1)\n")
string(APPEND wat "  (func $f0 (param i32 i32) (result i32) (local.get 0))\n")
foreach(i RANGE 1 ${n})
  math(EXPR prev "${i} - 1")
  string(APPEND wat "  (func $f${i} (param i32 i32) (result i32)"
    " (local i32 i32)${body}${body}${body}${body}\n"
    "    (i32.add (call $f${prev} (local.get 3) (local.get 1))"
    " (local.get 2)))\n")
endforeach()
string(APPEND wat "  (export \"run\" (func $f${n})))\n")
file(WRITE ${OUT} "${wat}")
