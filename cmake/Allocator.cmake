# The allocator warden-server is linked with (issue 19; docs/performance.md, "The allocator").
# WARDEN_MALLOC is "jemalloc" (Debian's libjemalloc, the default), "tcmalloc" (gperftools'
# libtcmalloc_minimal) or "system" (glibc's malloc). Linked first, the library's malloc and
# free replace glibc's for the whole process, gRPC's and protobuf's allocations included.
# Sanitizer builds keep glibc's: ASan and TSan replace malloc themselves.
set(WARDEN_MALLOC "jemalloc" CACHE STRING "warden-server's allocator: jemalloc, tcmalloc or system")
set_property(CACHE WARDEN_MALLOC PROPERTY STRINGS jemalloc tcmalloc system)
if(NOT WARDEN_MALLOC MATCHES "^(jemalloc|tcmalloc|system)$")
  message(FATAL_ERROR "WARDEN_MALLOC=${WARDEN_MALLOC}: expected jemalloc, tcmalloc or system")
endif()

# warden_link_allocator(TARGET): links TARGET with WARDEN_MALLOC's library.
function(warden_link_allocator target)
  if(WARDEN_MALLOC STREQUAL "system" OR NOT WARDEN_SANITIZE STREQUAL "")
    return()
  endif()
  if(WARDEN_MALLOC STREQUAL "jemalloc")
    pkg_check_modules(WARDEN_MALLOC_LIB REQUIRED IMPORTED_TARGET jemalloc)
  else()
    pkg_check_modules(WARDEN_MALLOC_LIB REQUIRED IMPORTED_TARGET libtcmalloc_minimal)
  endif()
  # --no-as-needed: nothing names the library's own symbols, yet it must stay loaded.
  target_link_options(${target} PRIVATE LINKER:--no-as-needed)
  target_link_libraries(${target} PRIVATE PkgConfig::WARDEN_MALLOC_LIB)
endfunction()
