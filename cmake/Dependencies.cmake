# Every third-party dependency comes from a Debian package; see ../shared/DEPENDENCIES.md for the names.
find_package(Threads REQUIRED)
find_package(Boost 1.81...<1.82 CONFIG REQUIRED COMPONENTS json url)
find_package(rabbitmq-c CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(fmt CONFIG REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(MARIADB REQUIRED IMPORTED_TARGET libmariadb)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium>=1.0.18)
if(BOOKSTORE_BUILD_TESTS)
  find_package(GTest CONFIG REQUIRED)
endif()
if(BOOKSTORE_BUILD_BENCH)
  find_package(benchmark CONFIG REQUIRED)
endif()

# kainjow Mustache ships only a header.
add_library(kainjow_mustache INTERFACE)
target_include_directories(kainjow_mustache SYSTEM INTERFACE /usr/include/kainjow)

# Asio/Beast defaults shared by every target that uses them.
add_library(bookstore_asio INTERFACE)
target_link_libraries(bookstore_asio INTERFACE Boost::headers Threads::Threads)
target_compile_definitions(bookstore_asio INTERFACE
  BOOST_ASIO_NO_DEPRECATED BOOST_ASIO_DISABLE_CONCEPTS)
# io_uring in place of epoll for sockets and timers (README, "Event loop: io_uring"); BOOKSTORE_ASIO_IO_URING
# tells the components' start-up (libs/service) to check that a ring opens.
option(BOOKSTORE_ASIO_IO_URING "Asio's io_uring backend for sockets and timers, in place of epoll" ON)
if(BOOKSTORE_ASIO_IO_URING)
  pkg_check_modules(URING REQUIRED IMPORTED_TARGET liburing)
  target_compile_definitions(bookstore_asio INTERFACE BOOST_ASIO_HAS_IO_URING BOOST_ASIO_DISABLE_EPOLL
    BOOKSTORE_ASIO_IO_URING)
  # Two corrections to Boost 1.81's io_uring backend, made at link time (libs/asio_uring says which).
  target_link_libraries(bookstore_asio INTERFACE PkgConfig::URING bookstore_asio_uring)
  target_link_options(bookstore_asio INTERFACE "LINKER:--wrap=io_uring_submit"
    "LINKER:--wrap=io_uring_queue_init")
endif()
