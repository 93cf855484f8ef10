# Compiles every file under a directory into a generated .cpp, so the binary carries its data
# (the prompt sets of prompts/) and works from any directory.
#
#   regenesis_embed_files(TARGET target DIR dir SYMBOL function_name)
#
# The generated source defines `const regenesis::EmbeddedFile* SYMBOL(std::size_t* count)`
# (struct EmbeddedFile { const char* path; const unsigned char* data; std::size_t size; },
# declared by the consumer), with paths relative to DIR and '/' separators, sorted.
function(regenesis_embed_files)
  cmake_parse_arguments(E "" "TARGET;DIR;SYMBOL" "" ${ARGN})
  file(GLOB_RECURSE inputs CONFIGURE_DEPENDS ${E_DIR}/*)
  list(SORT inputs)
  set(output ${CMAKE_BINARY_DIR}/generated/${E_SYMBOL}.cpp)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DINPUT_DIR=${E_DIR} -DOUTPUT=${output} -DSYMBOL=${E_SYMBOL}
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_files_script.cmake
    DEPENDS ${inputs} ${CMAKE_SOURCE_DIR}/cmake/embed_files_script.cmake
    COMMENT "Embedding ${E_DIR} as ${E_SYMBOL}()"
    VERBATIM)
  target_sources(${E_TARGET} PRIVATE ${output})
endfunction()
