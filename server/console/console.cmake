# Included by server/CMakeLists.txt after localca_console exists: embeds the console's built bundle
# (web/dist/, committed) into the library. With LOCALCA_CONSOLE_BUILD=ON and npm present, the
# bundle is first rebuilt from web/src/ (npm ci when node_modules is missing), so dist/ follows
# the sources; without it a machine with no Node builds the server from the committed dist/.
option(LOCALCA_CONSOLE_BUILD "Rebuild server/console/web/dist from its sources with npm first" OFF)
set(console_web ${CMAKE_CURRENT_SOURCE_DIR}/console/web)
set(console_generated ${CMAKE_CURRENT_BINARY_DIR}/console_assets.cpp)
set(console_embed ${CMAKE_CURRENT_SOURCE_DIR}/console/embed_assets.cmake)
file(GLOB console_dist CONFIGURE_DEPENDS ${console_web}/dist/*)
set(console_build_commands "")
set(console_build_depends "")
if(LOCALCA_CONSOLE_BUILD)
  find_program(LOCALCA_NPM npm)
  find_program(LOCALCA_NODE node)
  if(LOCALCA_NPM AND LOCALCA_NODE)
    file(GLOB_RECURSE console_build_depends CONFIGURE_DEPENDS ${console_web}/src/*)
    list(APPEND console_build_depends ${console_web}/build.mjs ${console_web}/package-lock.json)
    set(console_build_commands
      COMMAND sh -c "test -d node_modules || '${LOCALCA_NPM}' ci --no-audit --no-fund"
      COMMAND ${LOCALCA_NODE} build.mjs dist)
  else()
    message(WARNING "LOCALCA_CONSOLE_BUILD is ON but node/npm were not found: "
                    "the committed server/console/web/dist is embedded as it is")
  endif()
endif()
add_custom_command(OUTPUT ${console_generated}
  ${console_build_commands}
  COMMAND ${CMAKE_COMMAND} -DDIST_DIR=${console_web}/dist -DOUTPUT=${console_generated}
          -P ${console_embed}
  WORKING_DIRECTORY ${console_web}
  DEPENDS ${console_embed} ${console_dist} ${console_build_depends}
  COMMENT "Embedding the web console (server/console/web/dist)"
  VERBATIM)
target_sources(localca_console PRIVATE ${console_generated})
