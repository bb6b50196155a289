target_sources(athanor_engine PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/RunHistory.h
    ${CMAKE_CURRENT_LIST_DIR}/RunHistory.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RunLogWriter.h
    ${CMAKE_CURRENT_LIST_DIR}/RunLogWriter.cpp
)
