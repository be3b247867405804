;; Asks for more memory than the test store allows.
(module (memory 8))
