# Warnings are errors everywhere in the project's own code.
add_compile_options(
  -Wall -Wextra -Wpedantic -Werror
  -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wnull-dereference -Wimplicit-fallthrough
  # Boost.Asio coroutines trip g++ 12's false positives on these two.
  -Wno-mismatched-new-delete -Wno-maybe-uninitialized)

if(BOOKSTORE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# g++ 12 at -O2/-O3 reports false -Wnull-dereference inside Asio's headers and false -Wrestrict on
# `"literal" + std::string`; both are optimiser artefacts (clean in Debug, where they stay on).
add_compile_options($<$<NOT:$<CONFIG:Debug>>:-Wno-null-dereference>
                    $<$<NOT:$<CONFIG:Debug>>:-Wno-restrict>
                    $<$<NOT:$<CONFIG:Debug>>:-Wno-format-truncation>)
