target_sources(athanor_engine PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/DynamicLibrary.h
)
