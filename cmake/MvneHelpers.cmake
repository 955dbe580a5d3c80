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

# mvne_test(NAME src... [LIBS lib...] [LOCK resource]): one GoogleTest binary per component;
# with LOCK, none of its tests runs while another test holding that resource does (ctest -j).
function(mvne_test name)
  cmake_parse_arguments(ARG "" "LOCK" "LIBS" ${ARGN})
  add_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE mvne_core mvne_test_support GTest::gtest_main ${ARG_LIBS})
  set(properties TIMEOUT 300)
  if(ARG_LOCK)
    list(APPEND properties RESOURCE_LOCK ${ARG_LOCK})
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES ${properties})
endfunction()

# mvne_sdk_test(NAME src... [PLUGINS target...]): a test written as plugin authors write
# theirs: GoogleTest and the SDK's in-process test host (mvne::testing), nothing of the
# host's internals. MVNE_PLUGIN_DIR names the folder the plugins are built into.
function(mvne_sdk_test name)
  cmake_parse_arguments(ARG "" "" "PLUGINS" ${ARGN})
  add_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE mvne::testing GTest::gtest_main
                                        nlohmann_json::nlohmann_json)
  target_compile_definitions(${name} PRIVATE MVNE_PLUGIN_DIR="${MVNE_PLUGIN_OUTPUT_DIR}"
                                             MMS_PLUGIN_DIR="${MVNE_PLUGIN_OUTPUT_DIR}")
  if(ARG_PLUGINS)
    add_dependencies(${name} ${ARG_PLUGINS})
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 300)
endfunction()
