# Writes OUT (a header defining LW_GIT_DESCRIBE) from `git describe` of SOURCE_DIR, at every build,
# touching the file only when the text changes, so results files name the commit actually built.
execute_process(COMMAND git describe --always --dirty --tags
                WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE describe OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT describe)
  set(describe "unknown")
endif()
set(content "#pragma once\n// Generated at build time by lib/core/git_describe.cmake.\n#define LW_GIT_DESCRIBE \"${describe}\"\n")
set(old "")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT old STREQUAL content)
  file(WRITE ${OUT} "${content}")
endif()
