target_sources(athanor_engine PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/StackModel.h
    ${CMAKE_CURRENT_LIST_DIR}/StackLoader.h
    ${CMAKE_CURRENT_LIST_DIR}/StackLoader.cpp
)
