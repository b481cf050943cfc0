// Linked into the agentsim program and the benchmarks with mimalloc (cmake/Allocator.cmake):
// mimalloc's option `large_os_pages`, set before mimalloc starts.
//
// mimalloc (Debian's libmimalloc-dev, linked in place of glibc's malloc) serves every
// allocation of the process: ours, libstdc++'s, SQLite's. With `large_os_pages` it advises the
// memory it maps MADV_HUGEPAGE, which Linux honours under Debian's default transparent huge page
// setting ("madvise"): one page fault maps 2 MiB instead of 512 faults of 4 KiB. It must be set
// before mimalloc maps its first segment, which happens before main (the first allocation of a
// library's static initialiser): set in main, it reached only later segments (the interview
// load: 6,440 page faults; set here: ~450, as with MIMALLOC_LARGE_OS_PAGES=1). Functions in an
// executable's .preinit_array run before any shared library's initialisers (System V ABI), and
// mimalloc's options keep a value set before they are read from the environment.
// docs/performance.md, tenth round.
#include <mimalloc.h>

namespace {

void EnableLargeOsPages(int, char**, char**) { mi_option_enable(mi_option_large_os_pages); }

[[gnu::section(".preinit_array"), gnu::used]] void (*const kEnableLargeOsPages)(int, char**,
                                                                                  char**) =
    &EnableLargeOsPages;

}  // namespace
