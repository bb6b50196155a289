target_sources(athanor_engine PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/RunBackend.h
    ${CMAKE_CURRENT_LIST_DIR}/EngineBackend.cpp
)
