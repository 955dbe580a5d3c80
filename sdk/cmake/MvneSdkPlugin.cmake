# mvne_add_plugin(<target> <source>...): a plugin for mvne-host, built against mvne::sdk.
# The output is <target>.so with no "lib" prefix (the host loads <plugins.dir>/mvne_<name>.so),
# and a version script keeps every symbol but mvne_plugin_entry local, template
# instantiations from the C++ standard library included.
set_property(GLOBAL PROPERTY MVNE_SDK_PLUGIN_MAP "${CMAKE_CURRENT_LIST_DIR}/mvne_plugin.map")

function(mvne_add_plugin target)
  add_library(${target} MODULE ${ARGN})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_libraries(${target} PRIVATE mvne::sdk)
  get_property(map GLOBAL PROPERTY MVNE_SDK_PLUGIN_MAP)
  target_link_options(${target} PRIVATE "LINKER:--version-script=${map}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${map})
endfunction()
