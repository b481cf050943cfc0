# Warnings on, and errors, for our own targets only (third-party headers are system includes).
function(agentsim_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                         -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused
                         -Woverloaded-virtual -Wimplicit-fallthrough
                         -Werror)
endfunction()
