# Which parts of the engine and membrane exist yet, found from their
# sources, so tools built on the public API link only against what is
# there: IG_WASM_HAS_LOAD (decoder and validator), IG_WASM_HAS_EXEC
# (stores, instances, calls) and IG_MEMBRANE_HAS_WASI (import linking with
# WASI). Re-runs configure when those sources change.
function(ig_source_defines dir regex outvar)
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/${dir}/*.c)
  set(found OFF)
  foreach(f ${srcs})
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${f})
    file(READ ${f} body)
    if(body MATCHES "${regex}")
      set(found ON)
    endif()
  endforeach()
  set(${outvar} ${found} PARENT_SCOPE)
endfunction()

ig_source_defines(src/wasm "\nint ig_wasm_module_load\\(" IG_WASM_HAS_LOAD)
ig_source_defines(src/wasm "\nint ig_wasm_call\\(" IG_WASM_HAS_CALL)
ig_source_defines(src/wasm "\nint ig_wasm_instance_new\\(" IG_WASM_HAS_INST)
if(IG_WASM_HAS_CALL AND IG_WASM_HAS_INST)
  set(IG_WASM_HAS_EXEC ON)
else()
  set(IG_WASM_HAS_EXEC OFF)
endif()
ig_source_defines(src/membrane "\nint ig_link_imports\\(" IG_MEMBRANE_HAS_LINK)
ig_source_defines(src/membrane "ig_wasi_find\\(const char" IG_MEMBRANE_HAS_WASI)
if(NOT IG_MEMBRANE_HAS_LINK)
  set(IG_MEMBRANE_HAS_WASI OFF)
endif()
