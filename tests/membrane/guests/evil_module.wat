;; An unknown module named with a terminal escape.
(module (import "\1b[2Jenv" "f" (func)))
