# agentsim_use_mimalloc(<executable>): the program's allocations go to mimalloc (Debian's
# libmimalloc-dev) with 2 MiB transparent huge pages (app/allocator/mimalloc_large_pages.cc)
# instead of glibc's malloc: ~15% less CPU time on the interview load (docs/performance.md,
# tenth round). No effect with AGENTSIM_MIMALLOC off (the sanitizer build: AddressSanitizer
# brings its own allocator).
function(agentsim_use_mimalloc target)
  if(AGENTSIM_MIMALLOC)
    # The shared libmimalloc is among the program's own libraries, before libc, so its malloc
    # and free are the ones every library of the process binds to.
    target_link_libraries(${target} PRIVATE mimalloc)
    target_sources(${target} PRIVATE "${PROJECT_SOURCE_DIR}/app/allocator/mimalloc_large_pages.cc")
  endif()
endfunction()
