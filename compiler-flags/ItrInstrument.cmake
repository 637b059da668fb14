# ItrInstrument.cmake — instrument targets for itr-cpp's per-test coverage.
#
#   include(path/to/compiler-flags/ItrInstrument.cmake)   # or find_package(itr-cpp)
#   itr_instrument(<target> [MODE function|edge] [EXCLUDE <glob>...])
#   itr_instrument_directory([<dir>] [MODE ...] [EXCLUDE <glob>...]
#                            [SKIP_TARGETS <target>...])
#
# Instruments the target's own translation units (code under test and the
# test TUs: SanitizerCoverage's list matches a TU's main file, so header code
# inlined into a non-instrumented TU would be invisible) and adds line
# tables. Other targets (GoogleTest, third-party libraries) stay
# uninstrumented because the flags are PRIVATE to <target>.
#
# Any target kind, any directory, any target_link_libraries signature: the
# runtime is added through target properties, never through
# target_link_libraries (a target must use one signature only), and only to
# what is linked: executables and shared/module libraries. A static or
# object library keeps its link interface — what the project export()s or
# install(EXPORT)s stays as it was; executables and shared libraries that
# link it get the runtime at the end of the configure step. An interface
# library has no translation unit: the targets that link it are
# instrumented instead (its header code compiles there).
#
# itr_instrument_directory() instruments every target defined in <dir>
# (default: the current source directory) and below, once they all exist
# (at the end of the calling CMakeLists.txt), except imported and utility
# targets, itr-cpp's own, targets whose sources live in the build tree
# (FetchContent), GoogleTest's, Catch2's and doctest's, and SKIP_TARGETS.
#
# MODE defaults to ITR_COVERAGE_MODE:
#   function  clang -fsanitize-coverage=func,inline-bool-flag,pc-table
#             one flag per function (fastest; lines = whole functions)
#   edge      clang -fsanitize-coverage=inline-bool-flag,pc-table
#             one flag per (unpruned) edge: line-level detail
# With gcc (no inline flags there) either mode falls back to
# -fsanitize-coverage=trace-pc: a call per basic block, slower but complete.
#
# EXCLUDE globs name sources of <target> not to instrument (vendored code);
# they become `src:` entries of a clang ignorelist. Files under /usr,
# CMake's _deps and itr-cpp's framework adapters are always excluded.
#
# Function index: an executable or a shared/module library is linked with
# -Wl,--emit-relocs and -Wl,-Map=<file>.itr.map, and `itr index <file>` runs
# after each link (POST_BUILD) and writes <file>.itridx (docs/index.md). A
# static library gets nothing: its consumer's link does it. CMake attaches a
# POST_BUILD step only from the target's own directory (or one still being
# read above it); other targets are indexed on first use instead.
#
# Link step: clang links its UBSan standalone runtime when it sees
# -fsanitize-coverage at link time; that runtime's weak no-op callbacks and
# signal handlers change the program (a segfault exits with 1 instead of
# dying by signal). The coverage flags are therefore compile-only here, and
# -fno-sanitize-link-runtime is added unless another sanitizer is in use.
include_guard(GLOBAL)

set(ITR_COVERAGE_MODE "function" CACHE STRING
    "itr-cpp coverage granularity: function (default, fastest) or edge (precise)")
set_property(CACHE ITR_COVERAGE_MODE PROPERTY STRINGS function edge)

# Compile flags for `mode` with the current C++ compiler, into `out_var`.
function(itr_coverage_compile_flags out_var mode)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    if(mode STREQUAL "function")
      set(flags -fsanitize-coverage=func,inline-bool-flag,pc-table)
    elseif(mode STREQUAL "edge")
      set(flags -fsanitize-coverage=inline-bool-flag,pc-table)
    else()
      message(FATAL_ERROR "itr_instrument: unknown MODE '${mode}' (function|edge)")
    endif()
    list(APPEND flags "$<$<NOT:$<CONFIG:Debug,RelWithDebInfo>>:-gline-tables-only>")
  elseif(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    set(flags -fsanitize-coverage=trace-pc "$<$<NOT:$<CONFIG:Debug,RelWithDebInfo>>:-g1>")
  else()
    set(flags "")
  endif()
  set(${out_var} "${flags}" PARENT_SCOPE)
endfunction()

# The function index of `target` (see header): link options and the
# post-link `itr index` (the itr-cpp build's own `itr`, else the installed
# itr::itr of find_package(itr-cpp)). GNU ld on x86-64 Linux only.
function(itr_index_after_link target)
  get_target_property(type ${target} TYPE)
  if(NOT type MATCHES "^(EXECUTABLE|SHARED_LIBRARY|MODULE_LIBRARY)$" OR
     NOT CMAKE_SYSTEM_NAME STREQUAL "Linux" OR
     NOT CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
    return()
  endif()
  target_link_options(${target} PRIVATE -Wl,--emit-relocs
    "-Wl,-Map=$<TARGET_FILE:${target}>.itr.map")
  if(NOT TARGET itr AND NOT TARGET itr::itr)
    return()  # indexed on first use instead
  endif()
  get_target_property(target_dir ${target} SOURCE_DIR)
  if(target_dir STREQUAL CMAKE_CURRENT_SOURCE_DIR)
    _itr_index_post_build(${target})
    return()
  endif()
  # CMake attaches POST_BUILD steps only in the target's directory: defer
  # to its end when it is still being read (an enclosing directory).
  set(dir "${CMAKE_CURRENT_SOURCE_DIR}")
  while(dir)
    if(dir STREQUAL target_dir)
      _itr_defer("${target_dir}" _itr_index_post_build ${target})
      return()
    endif()
    get_directory_property(dir DIRECTORY "${dir}" PARENT_DIRECTORY)
  endwhile()
endfunction()

# Calls `command` with these arguments at the end of `dir` (DEFER CALL
# would expand variables in the arguments only then, in another scope).
function(_itr_defer dir command)
  set(arguments "")
  foreach(argument IN LISTS ARGN)
    string(APPEND arguments " [==[${argument}]==]")
  endforeach()
  cmake_language(EVAL CODE
    "cmake_language(DEFER DIRECTORY [==[${dir}]==] CALL ${command}${arguments})")
endfunction()

function(_itr_index_post_build target)
  if(TARGET itr)
    set(itr_program itr)
    add_dependencies(${target} itr)
  else()
    set(itr_program itr::itr)
  endif()
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${itr_program} index $<TARGET_FILE:${target}>
    VERBATIM)
endfunction()

# Links the runtime into `target` (an executable, shared or module
# library) without target_link_libraries (see header). A shared library
# names the runtime's file rather than the target, so that export() and
# install(EXPORT) of it need no itr-cpp target.
function(_itr_link_runtime target)
  get_target_property(linked ${target} ITR_RUNTIME_LINKED)
  if(linked)
    return()
  endif()
  set_property(TARGET ${target} PROPERTY ITR_RUNTIME_LINKED TRUE)
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "EXECUTABLE")
    set_property(TARGET ${target} APPEND PROPERTY LINK_LIBRARIES itr::runtime)
    return()
  endif()
  set_property(TARGET ${target} APPEND PROPERTY LINK_LIBRARIES
    "$<TARGET_FILE:itr::runtime>")
  set_property(TARGET ${target} APPEND PROPERTY INCLUDE_DIRECTORIES
    "$<TARGET_PROPERTY:itr::runtime,INTERFACE_INCLUDE_DIRECTORIES>")
  get_target_property(imported itr::runtime IMPORTED)
  if(NOT imported)
    add_dependencies(${target} itr_runtime)
  endif()
endfunction()

# The coverage flags, ignorelist and link options of `target`'s own
# translation units.
function(_itr_compile_instrumented target mode excludes)
  itr_coverage_compile_flags(flags "${mode}")
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    string(MD5 key "${target}|${CMAKE_CURRENT_SOURCE_DIR}")
    string(SUBSTRING "${key}" 0 8 key)
    set(ignore_file "${CMAKE_BINARY_DIR}/itr-ignorelists/${target}-${key}.txt")
    set(ignore_text "# generated by itr_instrument(${target})\nsrc:/usr/*\nsrc:*/_deps/*\n")
    get_property(adapters GLOBAL PROPERTY ITR_ADAPTER_SOURCE_DIR)
    if(adapters)
      string(APPEND ignore_text "src:${adapters}/*\n")
    endif()
    foreach(glob IN LISTS excludes)
      string(APPEND ignore_text "src:${glob}\n")
    endforeach()
    file(CONFIGURE OUTPUT "${ignore_file}" CONTENT "${ignore_text}" @ONLY)
    list(APPEND flags "-fsanitize-coverage-ignorelist=${ignore_file}")
  elseif(excludes)
    get_target_property(sources ${target} SOURCES)
    get_target_property(target_dir ${target} SOURCE_DIR)
    foreach(glob IN LISTS excludes)
      string(REPLACE "*" ".*" regex "${glob}")
      foreach(source IN LISTS sources)
        get_filename_component(absolute "${source}" ABSOLUTE BASE_DIR "${target_dir}")
        if(absolute MATCHES "^${regex}$")
          set_source_files_properties(${source} TARGET_DIRECTORY ${target}
            PROPERTIES COMPILE_OPTIONS "-fno-sanitize-coverage=trace-pc")
        endif()
      endforeach()
    endforeach()
  endif()
  target_compile_options(${target} PRIVATE ${flags})

  # Keep the UBSan standalone runtime out of the link (see header).
  string(FIND "${CMAKE_CXX_FLAGS} ${CMAKE_EXE_LINKER_FLAGS}" "-fsanitize=" other_sanitizer)
  get_target_property(target_options ${target} COMPILE_OPTIONS)
  if(target_options AND "${target_options}" MATCHES "-fsanitize=")
    set(other_sanitizer 0)
  endif()
  get_target_property(type ${target} TYPE)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang" AND other_sanitizer EQUAL -1 AND
     type MATCHES "^(EXECUTABLE|SHARED_LIBRARY|MODULE_LIBRARY)$")
    target_link_options(${target} PRIVATE -fno-sanitize-link-runtime)
  endif()
endfunction()

function(itr_instrument target)
  cmake_parse_arguments(ITR "" "MODE" "EXCLUDE" ${ARGN})
  if(NOT ITR_MODE)
    set(ITR_MODE "${ITR_COVERAGE_MODE}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "itr_instrument: no target named '${target}'")
  endif()
  get_target_property(aliased ${target} ALIASED_TARGET)
  if(aliased)
    set(target ${aliased})
  endif()
  get_target_property(done ${target} ITR_COVERAGE_MODE)
  if(done)
    return()
  endif()
  set_property(TARGET ${target} PROPERTY ITR_COVERAGE_MODE "${ITR_MODE}")
  get_target_property(type ${target} TYPE)
  _itr_link_runtime_at_end()
  if(type STREQUAL "INTERFACE_LIBRARY")
    # No translation unit of its own: see _itr_link_runtime_where_needed.
    set_property(TARGET ${target} PROPERTY ITR_INSTRUMENT_CONSUMERS TRUE)
    set_property(TARGET ${target} PROPERTY ITR_EXCLUDE "${ITR_EXCLUDE}")
    return()
  endif()
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang|GNU")
    message(WARNING "itr_instrument(${target}): ${CMAKE_CXX_COMPILER_ID} has no "
                    "SanitizerCoverage; the target links the runtime but reports "
                    "coverage as unavailable, so nothing will be skipped")
  else()
    _itr_compile_instrumented(${target} "${ITR_MODE}" "${ITR_EXCLUDE}")
  endif()
  if(type MATCHES "^(EXECUTABLE|SHARED_LIBRARY|MODULE_LIBRARY)$")
    _itr_link_runtime(${target})
    itr_index_after_link(${target})
  else()
    # Static and object libraries: their users include itr's headers too.
    set_property(TARGET ${target} APPEND PROPERTY INCLUDE_DIRECTORIES
      "$<TARGET_PROPERTY:itr::runtime,INTERFACE_INCLUDE_DIRECTORIES>")
  endif()
endfunction()

# Once per configure: at the end of the top-level directory, link the
# runtime where instrumented code ends up (see header).
function(_itr_link_runtime_at_end)
  get_property(scheduled GLOBAL PROPERTY ITR_LINK_RUNTIME_SCHEDULED)
  if(scheduled)
    return()
  endif()
  set_property(GLOBAL PROPERTY ITR_LINK_RUNTIME_SCHEDULED TRUE)
  cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}"
    CALL _itr_link_runtime_where_needed)
endfunction()

# Every buildsystem target of `dir` and its subdirectories, into `out_var`.
function(_itr_targets_below dir out_var)
  get_directory_property(targets DIRECTORY "${dir}" BUILDSYSTEM_TARGETS)
  get_directory_property(subdirs DIRECTORY "${dir}" SUBDIRECTORIES)
  foreach(subdir IN LISTS subdirs)
    _itr_targets_below("${subdir}" below)
    list(APPEND targets ${below})
  endforeach()
  set(${out_var} "${targets}" PARENT_SCOPE)
endfunction()

# The targets `target` links, with $<LINK_ONLY:…> unwrapped (other
# generator expressions are left out), into `out_var`.
function(_itr_linked_targets target out_var)
  get_target_property(type ${target} TYPE)
  set(items "")
  if(NOT type STREQUAL "INTERFACE_LIBRARY")
    get_target_property(private ${target} LINK_LIBRARIES)
    if(private)
      list(APPEND items ${private})
    endif()
  endif()
  get_target_property(interface ${target} INTERFACE_LINK_LIBRARIES)
  if(interface)
    list(APPEND items ${interface})
  endif()
  set(linked "")
  foreach(item IN LISTS items)
    string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" item "${item}")
    string(REGEX REPLACE "::@.*$" "" item "${item}")
    if(NOT item MATCHES "[$<>]" AND TARGET "${item}")
      get_target_property(aliased ${item} ALIASED_TARGET)
      if(aliased)
        set(item ${aliased})
      endif()
      list(APPEND linked ${item})
    endif()
  endforeach()
  set(${out_var} "${linked}" PARENT_SCOPE)
endfunction()

# Whether `target` links, through static, object and interface libraries,
# one that itr_instrument() compiled; into `out_var`.
function(_itr_links_instrumented target out_var)
  set(pending ${target})
  set(seen "")
  set(found FALSE)
  while(pending AND NOT found)
    list(POP_FRONT pending current)
    _itr_linked_targets(${current} linked)
    foreach(dependency IN LISTS linked)
      if(dependency IN_LIST seen)
        continue()
      endif()
      list(APPEND seen ${dependency})
      get_target_property(type ${dependency} TYPE)
      get_target_property(mode ${dependency} ITR_COVERAGE_MODE)
      if(type MATCHES "^(STATIC_LIBRARY|OBJECT_LIBRARY)$" AND mode)
        set(found TRUE)
      elseif(type MATCHES "^(STATIC_LIBRARY|OBJECT_LIBRARY|INTERFACE_LIBRARY)$")
        list(APPEND pending ${dependency})
      endif()
    endforeach()
  endwhile()
  set(${out_var} ${found} PARENT_SCOPE)
endfunction()

# Targets that link an instrumented interface library are instrumented;
# executables and shared libraries that link instrumented static or object
# code get the runtime.
function(_itr_link_runtime_where_needed)
  _itr_targets_below("${CMAKE_SOURCE_DIR}" targets)
  foreach(target IN LISTS targets)
    _itr_linked_targets(${target} linked)
    foreach(dependency IN LISTS linked)
      get_target_property(consumers ${dependency} ITR_INSTRUMENT_CONSUMERS)
      get_target_property(mode ${dependency} ITR_COVERAGE_MODE)
      get_target_property(excludes ${dependency} ITR_EXCLUDE)
      get_target_property(type ${target} TYPE)
      if(consumers AND NOT type STREQUAL "INTERFACE_LIBRARY")
        itr_instrument(${target} MODE ${mode} EXCLUDE ${excludes})
      endif()
    endforeach()
  endforeach()
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(type MATCHES "^(EXECUTABLE|SHARED_LIBRARY|MODULE_LIBRARY)$")
      _itr_links_instrumented(${target} needed)
      if(needed)
        _itr_link_runtime(${target})
      endif()
    endif()
  endforeach()
endfunction()

# Whether itr_instrument_directory() leaves `target` alone (see header).
function(_itr_directory_skips target skip_list out_var)
  get_target_property(type ${target} TYPE)
  get_target_property(imported ${target} IMPORTED)
  get_target_property(source_dir ${target} SOURCE_DIR)
  string(FIND "${source_dir}/" "${CMAKE_BINARY_DIR}/" in_build_tree)
  set(skip FALSE)
  if(imported OR NOT type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY|INTERFACE_LIBRARY)$" OR
     target IN_LIST skip_list OR in_build_tree EQUAL 0 OR
     target MATCHES "^(itr|itr_.*|gtest|gtest_main|gmock|gmock_main|Catch2.*|doctest.*)$")
    set(skip TRUE)
  endif()
  set(${out_var} ${skip} PARENT_SCOPE)
endfunction()

function(itr_instrument_directory)
  set(dir "${CMAKE_CURRENT_SOURCE_DIR}")
  if(ARGC GREATER 0 AND NOT ARGV0 MATCHES "^(MODE|EXCLUDE|SKIP_TARGETS)$")
    get_filename_component(dir "${ARGV0}" ABSOLUTE)
    list(POP_FRONT ARGN)
  endif()
  # At the end of the calling directory: every target below it exists then.
  _itr_defer("${CMAKE_CURRENT_SOURCE_DIR}" _itr_instrument_directory_now
    "${dir}" ${ARGN})
endfunction()

function(_itr_instrument_directory_now dir)
  cmake_parse_arguments(ITR "" "MODE" "EXCLUDE;SKIP_TARGETS" ${ARGN})
  set(options "")
  if(ITR_MODE)
    list(APPEND options MODE ${ITR_MODE})
  endif()
  if(ITR_EXCLUDE)
    list(APPEND options EXCLUDE ${ITR_EXCLUDE})
  endif()
  _itr_targets_below("${dir}" targets)
  foreach(target IN LISTS targets)
    _itr_directory_skips(${target} "${ITR_SKIP_TARGETS}" skip)
    if(NOT skip)
      itr_instrument(${target} ${options})
    endif()
  endforeach()
endfunction()
