# Directory of this file, for scripts the functions below run at build time.
set(_BOOKSTORE_CMAKE_DIR ${CMAKE_CURRENT_LIST_DIR})

# bookstore_library(<name> SOURCES ... DEPS ...): a shared library under libs/<name>, target bookstore::<name>.
function(bookstore_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(bookstore_${name} STATIC ${ARG_SOURCES})
  add_library(bookstore::${name} ALIAS bookstore_${name})
  target_include_directories(bookstore_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(bookstore_${name} PUBLIC ${ARG_DEPS})
endfunction()

# bookstore_test(<name> SOURCES ... DEPS ... [LABELS <label>] [SERIAL]): a GoogleTest binary registered
# with CTest under one label: "unit" (the default; no servers), "integration" (needs the real MariaDB and
# RabbitMQ started by ./bookstore test) or "restart" (also restarts those servers through
# $BOOKSTORE_TEST_INFRA, so `ctest -L integration` against shared servers never picks it up). SERIAL makes
# CTest run it alone, so no other test sees a restart. One label only: gtest_discover_tests flattens
# list-valued properties, which would swallow the ones after it.
function(bookstore_test name)
  if(NOT BOOKSTORE_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "SERIAL" "LABELS" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  set_property(GLOBAL APPEND PROPERTY BOOKSTORE_TEST_TARGETS ${name})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  set(properties LABELS ${ARG_LABELS})
  if(ARG_SERIAL)
    list(APPEND properties RUN_SERIAL TRUE)
  endif()
  gtest_discover_tests(${name} PROPERTIES ${properties} DISCOVERY_TIMEOUT 30)
endfunction()

# bookstore_embed_files(<target> <function> HEADER <header> BASE <dir> GLOBS <glob...> | FILES <file...>):
# compiles the files under <dir> (recursively) matching the globs, or the given files under <dir> (made
# by the build, say), into the target, sorted by path, as the definition of
# `const std::vector<bookstore::EmbeddedFile>& <function>()` (a qualified name that <header> declares;
# bookstore/embed/embedded_file.h). The target must link bookstore::embed.
function(bookstore_embed_files target function)
  cmake_parse_arguments(ARG "" "HEADER;BASE" "GLOBS;FILES" ${ARGN})
  get_filename_component(dir ${ARG_BASE} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
  set(globs)
  foreach(pattern IN LISTS ARG_GLOBS)
    list(APPEND globs ${dir}/${pattern})
  endforeach()
  set(files ${ARG_FILES})
  if(globs)
    file(GLOB_RECURSE files CONFIGURE_DEPENDS ${globs})
  endif()
  list(SORT files)
  # '|' separates the files so that the list survives the command line as one argument.
  string(REPLACE ";" "|" files_arg "${files}")
  string(REGEX REPLACE "[^A-Za-z0-9_]" "_" suffix "${function}")
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${target}_${suffix}.cpp)
  set(script ${_BOOKSTORE_CMAKE_DIR}/EmbedFiles.cmake)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DHEADER=${ARG_HEADER} -DFUNCTION=${function} -DBASE=${dir}
            -DFILES=${files_arg} -P ${script}
    DEPENDS ${files} ${script}
    COMMENT "Embedding ${function} into ${target}"
    VERBATIM)
  # A file is one string literal, and the rendered API page is longer than the 65,536 characters the
  # standard obliges a compiler to accept: clang's -Wpedantic says so, though g++ and clang take it.
  set_source_files_properties(${out} PROPERTIES COMPILE_OPTIONS -Wno-overlength-strings)
  target_sources(${target} PRIVATE ${out})
endfunction()

# bookstore_embed_migrations(<target> <dir>): every <dir>/*.sql into the target, so a binary (and its
# Docker image) carries its own schema: bookstore::db::EmbeddedMigrations() (bookstore/db/migrations.h),
# each migration named after its file without ".sql". The target must link bookstore::db.
function(bookstore_embed_migrations target dir)
  bookstore_embed_files(${target} bookstore::db::EmbeddedMigrationFiles HEADER bookstore/db/migrations.h
                        BASE ${dir} GLOBS "*.sql")
endfunction()

# bookstore_render_openapi(<out> <--json|--page>): a rule that makes <out> from docs/openapi.yaml with
# cmake/render_openapi.py (the document as JSON, or the web store's reference page). Debian's python3
# with python3-yaml (scripts/packages.txt, deploy/docker/build-packages.txt).
function(bookstore_render_openapi out mode)
  find_program(BOOKSTORE_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
  find_program(BOOKSTORE_PYTHON NAMES python3 REQUIRED)
  if(NOT DEFINED CACHE{BOOKSTORE_PYTHON_HAS_YAML})
    execute_process(COMMAND ${BOOKSTORE_PYTHON} -c "import yaml" RESULT_VARIABLE status OUTPUT_QUIET ERROR_QUIET)
    if(NOT status EQUAL 0)
      message(FATAL_ERROR "${BOOKSTORE_PYTHON} cannot import yaml: install python3-yaml")
    endif()
    set(BOOKSTORE_PYTHON_HAS_YAML ON CACHE INTERNAL "")
  endif()
  set(document ${PROJECT_SOURCE_DIR}/docs/openapi.yaml)
  set(script ${_BOOKSTORE_CMAKE_DIR}/render_openapi.py)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${BOOKSTORE_PYTHON} ${script} ${mode} ${out} ${document}
    DEPENDS ${document} ${script}
    COMMENT "Rendering docs/openapi.yaml (${mode})"
    VERBATIM)
endfunction()
