# bookstore_library(<name> SOURCES ... DEPS ...): a shared library under libs/<name>, target bookstore::<name>.
function(bookstore_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(bookstore_${name} STATIC ${ARG_SOURCES})
  add_library(bookstore::${name} ALIAS bookstore_${name})
  target_include_directories(bookstore_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(bookstore_${name} PUBLIC ${ARG_DEPS})
endfunction()

# bookstore_test(<name> SOURCES ... DEPS ... [LABELS ...]): a GoogleTest binary registered with CTest.
# LABELS "integration" marks tests that need the real MariaDB/RabbitMQ started by ./bookstore test.
function(bookstore_test name)
  if(NOT BOOKSTORE_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  gtest_discover_tests(${name} PROPERTIES LABELS "${ARG_LABELS}" DISCOVERY_TIMEOUT 30)
endfunction()

# bookstore_embed_migrations(<target> <dir>): compiles every <dir>/*.sql into the target, so a binary
# (and its Docker image) carries its own schema. Exposes bookstore::db::Migration kMigrations[] via
# a generated function `const std::vector<bookstore::db::Migration>& EmbeddedMigrations()`.
function(bookstore_embed_migrations target dir)
  file(GLOB sql_files CONFIGURE_DEPENDS ${dir}/*.sql)
  list(SORT sql_files)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${target}_migrations.cpp)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DFILES="${sql_files}" -P ${PROJECT_SOURCE_DIR}/cmake/EmbedMigrations.cmake
    DEPENDS ${sql_files} ${PROJECT_SOURCE_DIR}/cmake/EmbedMigrations.cmake
    COMMENT "Embedding SQL migrations of ${target}")
  target_sources(${target} PRIVATE ${out})
endfunction()
