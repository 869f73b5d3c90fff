# How fast a build is, never what it produces (docs/decisions.md, "Build time").
#
# WARDEN_CCACHE (default ON): compile through ccache when it is installed. The settings make
# a compile's result reusable from another checkout or a container build of the same
# sources with the same flags, compiler and headers: paths under the source tree are hashed
# relative (base_dir), the working directory is not hashed (hash_dir), the compiler is
# identified by its contents, not its timestamp, and depend mode takes the includes from the
# compiler's own -MD output, so a miss costs no second preprocessor run. `scripts/image`
# lends the host's cache to deploy/Dockerfile's build stage, so an image rebuilt after a
# change compiles only what changed. CCACHE_DIR and the other CCACHE_* variables of the
# environment still apply.
#
# WARDEN_LINKER (default gold where the compiler accepts -fuse-ld=gold): GNU gold links the
# test executables about three times faster than ld.bfd (9 s against 3 s for the e2e tests).
option(WARDEN_CCACHE "Compile through ccache when it is installed" ON)
if(WARDEN_CCACHE)
  find_program(WARDEN_CCACHE_PROGRAM ccache)
  if(WARDEN_CCACHE_PROGRAM)
    set(CMAKE_CXX_COMPILER_LAUNCHER
        ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${PROJECT_SOURCE_DIR} CCACHE_NOHASHDIR=true
        CCACHE_COMPILERCHECK=content CCACHE_DEPEND=true ${WARDEN_CCACHE_PROGRAM})
    message(STATUS "Compiling through ${WARDEN_CCACHE_PROGRAM} (-DWARDEN_CCACHE=OFF: not)")
  endif()
endif()

set(WARDEN_LINKER "gold" CACHE STRING "Linker: gold, or default (the compiler's)")
set_property(CACHE WARDEN_LINKER PROPERTY STRINGS gold default)
if(WARDEN_LINKER STREQUAL "gold")
  include(CheckLinkerFlag)
  check_linker_flag(CXX -fuse-ld=gold WARDEN_LINKER_GOLD_WORKS)
  if(WARDEN_LINKER_GOLD_WORKS)
    add_link_options(-fuse-ld=gold)
  else()
    message(STATUS "-fuse-ld=gold is refused: linking with the compiler's default linker")
  endif()
endif()
