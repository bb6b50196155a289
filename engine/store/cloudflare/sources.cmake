target_sources(athanor_engine PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/WorkerClient.h
    ${CMAKE_CURRENT_LIST_DIR}/WorkerClient.cpp
)
