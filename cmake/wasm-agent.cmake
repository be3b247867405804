# Rules that build guest agents to wasm32-wasi with Debian's clang-14,
# lld-14 and wasi-libc.
#
# ig_add_wasm_agent(NAME SOURCES a.c ... [MANIFEST f] [OUTPUT_DIR d]
#                   [FLAGS ...] [NO_SDK])
# makes <d>/agent.wasm (default ${CMAKE_BINARY_DIR}/agents/NAME), a
# wasm32-wasi reactor, and copies the manifest beside it as
# agent.manifest.json. Unless NO_SDK is given, the SDK (sdk/*.c) is
# linked in: sdk/igor.c exports the igord ABI (agent_init, agent_tick,
# agent_checkpoint, agent_checkpoint_ptr, agent_resume, malloc) over the
# igor_* functions the agent defines. The target is agent_NAME; IG_AGENT_<NAME>_WASM
# (upper-case name) holds the output path for tests.
find_program(IG_WASM_CC NAMES clang-14 clang REQUIRED)
set(IG_WASM_SYSROOT "/usr" CACHE PATH "wasi-libc sysroot")
set(IG_WASM_CFLAGS --target=wasm32-wasi -O2 -mexec-model=reactor
    -Wl,--strip-debug -Wl,--max-memory=67108864
    -std=c11 -Wall -Wextra -Werror -I${CMAKE_SOURCE_DIR}/sdk)

function(ig_add_wasm_agent name)
  cmake_parse_arguments(A "NO_SDK" "MANIFEST;OUTPUT_DIR" "SOURCES;FLAGS"
                        ${ARGN})
  if(NOT A_OUTPUT_DIR)
    set(A_OUTPUT_DIR ${CMAKE_BINARY_DIR}/agents/${name})
  endif()
  set(srcs)
  foreach(s ${A_SOURCES})
    get_filename_component(abs ${s} ABSOLUTE)
    list(APPEND srcs ${abs})
  endforeach()
  if(NOT A_NO_SDK)
    # The whole SDK; wasm-ld drops what the agent does not use.
    file(GLOB sdk_srcs ${CMAKE_SOURCE_DIR}/sdk/*.c)
    list(APPEND srcs ${sdk_srcs})
  endif()
  set(out ${A_OUTPUT_DIR}/agent.wasm)
  file(GLOB sdk_deps ${CMAKE_SOURCE_DIR}/sdk/*.h ${CMAKE_SOURCE_DIR}/sdk/*.c)
  file(GLOB local_headers ${CMAKE_CURRENT_SOURCE_DIR}/*.h)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${A_OUTPUT_DIR}
    COMMAND ${IG_WASM_CC} ${IG_WASM_CFLAGS} ${A_FLAGS} -o ${out} ${srcs}
    DEPENDS ${srcs} ${sdk_deps} ${local_headers}
    COMMENT "Building wasm agent ${name}"
    VERBATIM)
  set(deps ${out})
  if(A_MANIFEST)
    get_filename_component(man ${A_MANIFEST} ABSOLUTE)
    set(mout ${A_OUTPUT_DIR}/agent.manifest.json)
    add_custom_command(OUTPUT ${mout}
      COMMAND ${CMAKE_COMMAND} -E copy ${man} ${mout}
      DEPENDS ${man} VERBATIM)
    list(APPEND deps ${mout})
  endif()
  add_custom_target(agent_${name} ALL DEPENDS ${deps})
  string(TOUPPER ${name} uname)
  set(IG_AGENT_${uname}_WASM ${out} CACHE INTERNAL "")
endfunction()
