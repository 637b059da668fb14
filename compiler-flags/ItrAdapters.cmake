# ItrAdapters.cmake — the framework adapters, compiled in the project that
# uses them, against that project's own GoogleTest, Catch2 or doctest.
#
#   itr::gtest          InstallItr() for your own main (itr/gtest_itr.h)
#   itr::gtest_main     a drop-in for GTest::gtest_main
#   itr::gtest_coverage the per-test coverage listener (itr/gtest_coverage.h)
#   itr::catch2, itr::catch2_main, itr::doctest, itr::doctest_main
#
# The same definitions serve itr-cpp's own build (add_subdirectory,
# FetchContent) and an installed itr-cpp (find_package): an adapter is a few
# small sources, so it is built with the framework the test binary links,
# never a copy compiled against another version — two GoogleTests in one
# binary break at run time. Which framework target: the cache variable
# (ITR_GTEST_TARGET, ITR_CATCH2_TARGET, ITR_DOCTEST_TARGET) if set, else the
# project's own target (gtest, Catch2, doctest) if it has one when the
# top-level CMakeLists.txt ends — so the project may add its GoogleTest
# before or after itr-cpp — else the installed package (find_package). The
# adapters are EXCLUDE_FROM_ALL: a project without some framework builds
# none of its adapter.
include_guard(GLOBAL)

set(ITR_GTEST_TARGET "" CACHE STRING
  "GoogleTest target itr::gtest builds against (default: the project's gtest, else find_package(GTest))")
set(ITR_CATCH2_TARGET "" CACHE STRING
  "Catch2 v2 target itr::catch2 builds against (default: the project's Catch2, else find_package(Catch2))")
set(ITR_DOCTEST_TARGET "" CACHE STRING
  "doctest target itr::doctest builds against (default: the project's doctest, else find_package(doctest))")

# itr_define_adapters(SOURCES <dir> INCLUDES <dir>... MARKERS <target>):
# `SOURCES` holds gtest/, catch2/ and doctest/ with the adapters' sources;
# `INCLUDES` their public headers (itr/…, skipper/markers/…).
function(itr_define_adapters)
  cmake_parse_arguments(ARG "" "SOURCES;MARKERS" "INCLUDES" ${ARGN})
  set(src "${ARG_SOURCES}")
  # Never instrumented: see itr_instrument's ignorelist.
  set_property(GLOBAL PROPERTY ITR_ADAPTER_SOURCE_DIR "${src}")

  _itr_adapter(itr_gtest "${ARG_INCLUDES}" "${ARG_MARKERS}"
    ${src}/gtest/itr_gtest.cc ${src}/gtest/gtest_filter.cc
    ${src}/gtest/gtest_output.cc)
  target_include_directories(itr_gtest PRIVATE ${src}/gtest)
  _itr_adapter(itr_gtest_main "" "" ${src}/gtest/gtest_main.cc)
  target_link_libraries(itr_gtest_main PUBLIC itr_gtest)
  add_library(itr_gtest_coverage INTERFACE)
  target_include_directories(itr_gtest_coverage INTERFACE ${ARG_INCLUDES})
  target_link_libraries(itr_gtest_coverage INTERFACE itr::runtime)

  _itr_adapter(itr_catch2 "${ARG_INCLUDES}" "${ARG_MARKERS}"
    ${src}/catch2/itr_catch2.cc)
  _itr_adapter(itr_catch2_main "" "" ${src}/catch2/catch2_main.cc)
  target_link_libraries(itr_catch2_main PUBLIC itr_catch2)

  _itr_adapter(itr_doctest "${ARG_INCLUDES}" "${ARG_MARKERS}"
    ${src}/doctest/itr_doctest.cc)
  _itr_adapter(itr_doctest_main "" "" ${src}/doctest/doctest_main.cc)
  target_link_libraries(itr_doctest_main PUBLIC itr_doctest)

  foreach(name gtest gtest_main gtest_coverage catch2 catch2_main doctest doctest_main)
    if(NOT TARGET itr::${name})
      add_library(itr::${name} ALIAS itr_${name})
    endif()
  endforeach()
  # The frameworks are chosen once every target of the project exists.
  cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}"
    CALL _itr_link_frameworks)
endfunction()

function(_itr_adapter name includes markers)
  add_library(${name} STATIC EXCLUDE_FROM_ALL ${ARGN})
  # Our sources need C++17 whatever the project compiles its tests as; the
  # public headers are C++11.
  target_compile_features(${name} PRIVATE cxx_std_17)
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  if(includes)
    target_include_directories(${name} PUBLIC ${includes})
  endif()
  target_link_libraries(${name} PUBLIC itr::runtime ${markers})
endfunction()

# The framework target for `variable`'s adapters (see header), into
# `out_var`, with its version (or "unknown") into `version_var`.
function(_itr_framework_target variable project_target package imported
         out_var version_var)
  set(target "${${variable}}")
  if(NOT target AND TARGET ${project_target})
    set(target ${project_target})
  endif()
  if(NOT target)
    find_package(${package} QUIET)
    if(TARGET ${imported})
      set(target ${imported})
    endif()
  endif()
  set(version "")
  if(target AND TARGET ${target})
    get_target_property(aliased ${target} ALIASED_TARGET)
    if(aliased)
      set(target_version_of ${aliased})
    else()
      set(target_version_of ${target})
    endif()
    get_target_property(imported_target ${target_version_of} IMPORTED)
    if(NOT imported_target)
      get_target_property(version ${target_version_of} VERSION)
    endif()
  endif()
  if(NOT version AND target STREQUAL imported AND ${package}_VERSION)
    set(version "${${package}_VERSION}")
  endif()
  if(NOT version)
    set(version unknown)
  endif()
  set(${out_var} "${target}" PARENT_SCOPE)
  set(${version_var} "${version}" PARENT_SCOPE)
endfunction()

function(_itr_link_frameworks)
  _itr_framework_target(ITR_GTEST_TARGET gtest GTest GTest::gtest gtest version)
  if(gtest)
    target_link_libraries(itr_gtest PUBLIC ${gtest})
    target_link_libraries(itr_gtest_coverage INTERFACE ${gtest})
    # GoogleTest has no version macro; the version goes into reports.
    target_compile_definitions(itr_gtest PRIVATE ITR_GTEST_VERSION="${version}")
  endif()
  _itr_framework_target(ITR_CATCH2_TARGET Catch2 Catch2 Catch2::Catch2 catch2 version)
  if(catch2)
    target_link_libraries(itr_catch2 PUBLIC ${catch2})
  endif()
  _itr_framework_target(ITR_DOCTEST_TARGET doctest doctest doctest::doctest doctest version)
  if(doctest)
    target_link_libraries(itr_doctest PUBLIC ${doctest})
  endif()
endfunction()
