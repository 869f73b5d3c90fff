# Sanitizer builds (docs/sanitizers.md). WARDEN_SANITIZE is empty (the normal build),
# "address,undefined" (ASan + UBSan, `./scripts/test --sanitize`) or "thread" (TSan,
# `./scripts/test --tsan`). It applies to every target, tests included; Debian's libraries
# (gRPC, protobuf, Abseil, libpqxx) stay uninstrumented, which the run-time options and
# suppressions in tests/sanitizers/ account for.
set(WARDEN_SANITIZE "" CACHE STRING
    "Build with sanitizers: empty, \"address,undefined\" or \"thread\"")
set_property(CACHE WARDEN_SANITIZE PROPERTY STRINGS "" "address,undefined" "thread")

if(WARDEN_SANITIZE STREQUAL "")
  # A build directory that had sanitizers on: its test exclusions (below) no longer apply.
  if(EXISTS ${CMAKE_BINARY_DIR}/CTestCustom.cmake)
    file(READ ${CMAKE_BINARY_DIR}/CTestCustom.cmake warden_ctest_custom)
    if(warden_ctest_custom MATCHES "cmake/Sanitizers.cmake")
      file(REMOVE ${CMAKE_BINARY_DIR}/CTestCustom.cmake)
    endif()
  endif()
  return()
endif()
if(NOT WARDEN_SANITIZE MATCHES "^(address,undefined|thread)$")
  message(FATAL_ERROR
    "WARDEN_SANITIZE=${WARDEN_SANITIZE}: expected empty, \"address,undefined\" or \"thread\"")
endif()

set(warden_sanitize_flags -fsanitize=${WARDEN_SANITIZE} -fno-omit-frame-pointer)
if(WARDEN_SANITIZE MATCHES "undefined")
  # float-cast-overflow (a double out of an integer's range, e.g. a huge duration made an int)
  # is undefined behaviour that GCC leaves out of -fsanitize=undefined. UBSan only prints and
  # goes on by default; -fno-sanitize-recover makes the first report end the process, so a test
  # with undefined behaviour fails.
  list(APPEND warden_sanitize_flags -fsanitize=float-cast-overflow
       -fno-sanitize-recover=undefined,float-cast-overflow)
endif()
# -O1 and line tables only (-g1): reports keep file:line frames, while the build takes far
# less time than at the normal -O2 -g (these come after the build type's flags, so they win).
# TSan gets full debug information: its suppressions of gRPC's own races (tsan.supp) match
# the top frame, and without -g a gRPC header function inlined into Warden's code (an
# interceptor's call of InterceptorBatchMethods) shows as the Warden function instead. The
# TSan run builds only four executables, so the cost is small.
if(WARDEN_SANITIZE STREQUAL "thread")
  add_compile_options(${warden_sanitize_flags} -O1 -g)
else()
  add_compile_options(${warden_sanitize_flags} -O1 -g1)
endif()
add_link_options(${warden_sanitize_flags})
message(STATUS "Sanitizers: ${WARDEN_SANITIZE}")

# deploy_dockerfile checks that the release image has a package for every shared library the
# binaries load; a sanitizer build's binaries also load libasan/libubsan/libtsan, which no image
# ships. CTest reads this file from the top of the build directory.
file(WRITE ${CMAKE_BINARY_DIR}/CTestCustom.cmake
     "# Written by cmake/Sanitizers.cmake: tests that do not apply to a sanitizer build.\n"
     "set(CTEST_CUSTOM_TESTS_IGNORE deploy_dockerfile)\n")

# Run-time fixes for Debian's uninstrumented (or separately linked) libraries, linked into every
# executable once all targets exist (tests/sanitizers/*.cc say why each is needed):
#   address,undefined  ubsan_report_path.cc: UBSan's reports go to log_path like ASan's.
#   thread             tsan_absl_sync.cc: absl::Mutex, CondVar and Notification are visible
#                      to TSan; exported, so that calls from gRPC's libraries use them too.
if(WARDEN_SANITIZE STREQUAL "thread")
  set(WARDEN_SANITIZER_SUPPORT ${PROJECT_SOURCE_DIR}/tests/sanitizers/tsan_absl_sync.cc)
  set(WARDEN_SANITIZER_SUPPORT_LINK_OPTIONS
      "LINKER:--export-dynamic-symbol=_ZN4absl*5Mutex*"
      "LINKER:--export-dynamic-symbol=_ZN4absl*7CondVar*"
      "LINKER:--export-dynamic-symbol=_ZN4absl*12Notification*"
      "LINKER:--export-dynamic-symbol=_ZNK4absl*12Notification*")
else()
  set(WARDEN_SANITIZER_SUPPORT ${PROJECT_SOURCE_DIR}/tests/sanitizers/ubsan_report_path.cc)
  set(WARDEN_SANITIZER_SUPPORT_LINK_OPTIONS "")
endif()

function(warden_link_sanitizer_support)
  add_library(warden_sanitizer_support OBJECT ${WARDEN_SANITIZER_SUPPORT})
  set(dirs ${PROJECT_SOURCE_DIR})
  while(dirs)
    list(POP_FRONT dirs dir)
    get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
    list(APPEND dirs ${subdirs})
    get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
    foreach(target IN LISTS targets)
      get_target_property(type ${target} TYPE)
      if(type STREQUAL "EXECUTABLE")
        target_link_libraries(${target} PRIVATE warden_sanitizer_support)
        target_link_options(${target} PRIVATE ${WARDEN_SANITIZER_SUPPORT_LINK_OPTIONS})
      endif()
    endforeach()
  endwhile()
endfunction()
cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR} CALL warden_link_sanitizer_support)
