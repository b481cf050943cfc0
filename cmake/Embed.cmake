# agentsim_embed(TARGET <lib> NAMESPACE <ns> BASE_DIR <dir> FILES <relative paths...>)
# Generates a C++ source that holds each file's bytes and exposes
#   std::span<const agentsim::EmbeddedFile> <ns>::Files();
# The files are re-embedded whenever one of them changes.
function(agentsim_embed)
  cmake_parse_arguments(ARG "" "TARGET;NAMESPACE;BASE_DIR" "FILES" ${ARGN})
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${ARG_TARGET}_embedded.cc")
  set(deps "")
  foreach(f IN LISTS ARG_FILES)
    list(APPEND deps "${ARG_BASE_DIR}/${f}")
  endforeach()
  string(REPLACE ";" "|" files_arg "${ARG_FILES}")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAMESPACE=${ARG_NAMESPACE}
            -DBASE_DIR=${ARG_BASE_DIR} "-DFILES=${files_arg}"
            -P "${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake"
    DEPENDS ${deps} "${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake"
    COMMENT "Embedding ${ARG_TARGET} files"
    VERBATIM)
  target_sources(${ARG_TARGET} PRIVATE "${out}")
endfunction()
