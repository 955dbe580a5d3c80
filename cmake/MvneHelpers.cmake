# mvne_plugin(NAME src... [OUTPUT_DIR dir]): a plugin shared library, mvne_NAME.so in
# OUTPUT_DIR (default MVNE_PLUGIN_OUTPUT_DIR), built against the SDK alone, exporting only
# its entry symbol.
function(mvne_plugin name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIR" "" ${ARGN})
  if(NOT ARG_OUTPUT_DIR)
    set(ARG_OUTPUT_DIR ${MVNE_PLUGIN_OUTPUT_DIR})
  endif()
  mvne_add_plugin(mvne_${name} ${ARG_UNPARSED_ARGUMENTS})
  set_target_properties(mvne_${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIR})
endfunction()

# mvne_test(NAME src... [LIBS lib...]): one GoogleTest binary per component.
function(mvne_test name)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  add_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE mvne_core mvne_test_support GTest::gtest_main ${ARG_LIBS})
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 300)
endfunction()
