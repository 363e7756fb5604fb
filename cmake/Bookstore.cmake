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
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  set(properties LABELS ${ARG_LABELS})
  if(ARG_SERIAL)
    list(APPEND properties RUN_SERIAL TRUE)
  endif()
  gtest_discover_tests(${name} PROPERTIES ${properties} DISCOVERY_TIMEOUT 30)
endfunction()

# bookstore_embed_migrations(<target> <dir>): compiles every <dir>/*.sql (sorted by file name) into the
# target, so a binary (and its Docker image) carries its own schema. Generates the definition of
# `const std::vector<bookstore::db::Migration>& bookstore::db::EmbeddedMigrations()` (declared in
# bookstore/db/migrations.h); each migration is named after its file without ".sql". The target must
# link bookstore::db.
function(bookstore_embed_migrations target dir)
  get_filename_component(dir ${dir} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
  file(GLOB sql_files CONFIGURE_DEPENDS ${dir}/*.sql)
  list(SORT sql_files)
  # '|' separates the files so that the list survives the command line as one argument.
  string(REPLACE ";" "|" files_arg "${sql_files}")
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${target}_migrations.cpp)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DFILES=${files_arg} -P ${_BOOKSTORE_CMAKE_DIR}/EmbedMigrations.cmake
    DEPENDS ${sql_files} ${_BOOKSTORE_CMAKE_DIR}/EmbedMigrations.cmake
    COMMENT "Embedding SQL migrations of ${target}"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
