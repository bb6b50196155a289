target_sources(athanor_engine PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/CurlLibrary.h
    ${CMAKE_CURRENT_LIST_DIR}/CurlLibrary.cpp
    ${CMAKE_CURRENT_LIST_DIR}/HttpClient.h
    ${CMAKE_CURRENT_LIST_DIR}/HttpClient.cpp
    ${CMAKE_CURRENT_LIST_DIR}/BoundedParallel.h
    ${CMAKE_CURRENT_LIST_DIR}/BoundedParallel.cpp
)
